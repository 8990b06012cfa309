package org.prune4j.internal.pipeline;

import org.prune4j.internal.pipeline.calibrate.CalibrationSpec;
import org.prune4j.internal.pipeline.evaluate.EvaluationSpec;
import org.prune4j.internal.pipeline.load.ModelSpec;
import org.prune4j.internal.pipeline.prune.PruningSpec;
import org.prune4j.internal.pipeline.recover.Recovery;
import org.prune4j.internal.pipeline.save.OutputSpec;

/**
 * Everything one pruning job reads, stage by stage, as typed values: the command line, a recipe and a
 * Java caller all build one of these and hand it to {@link LlmPruneJob#run}.
 *
 * @param model which model, and whether it is held in memory or streamed
 * @param calibration the calibration data (ignored by data-free methods)
 * @param pruning the method with its settings, the target pattern and the allocation
 * @param recovery what restores accuracy after pruning ({@link Recovery#none()})
 * @param evaluation the evaluation data (dense and pruned models are both scored)
 * @param output where the pruned model and its report are written ({@link OutputSpec#NONE}: nowhere)
 */
public record PruneJobSettings(ModelSpec model, CalibrationSpec calibration, PruningSpec pruning, Recovery recovery,
        EvaluationSpec evaluation, OutputSpec output) {
    public PruneJobSettings {
        if (model == null || pruning == null) {
            throw new IllegalArgumentException("a model and a pruning method are required");
        }
        calibration = calibration == null ? CalibrationSpec.DEFAULT : calibration;
        recovery = recovery == null ? Recovery.none() : recovery;
        evaluation = evaluation == null ? EvaluationSpec.DEFAULT : evaluation;
        output = output == null ? OutputSpec.NONE : output;
    }

    /** {@code pruning} on {@code model} with default calibration and evaluation, nothing written. */
    public static PruneJobSettings of(ModelSpec model, PruningSpec pruning) {
        return new PruneJobSettings(model, null, pruning, null, null, null);
    }

    /** These settings with another model spec. */
    public PruneJobSettings withModel(ModelSpec m) {
        return new PruneJobSettings(m, calibration, pruning, recovery, evaluation, output);
    }

    /** These settings with other calibration settings. */
    public PruneJobSettings withCalibration(CalibrationSpec c) {
        return new PruneJobSettings(model, c, pruning, recovery, evaluation, output);
    }

    /** These settings with another output. */
    public PruneJobSettings withOutput(OutputSpec o) {
        return new PruneJobSettings(model, calibration, pruning, recovery, evaluation, o);
    }
}
