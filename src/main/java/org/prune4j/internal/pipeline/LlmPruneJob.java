package org.prune4j.internal.pipeline;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.prune4j.internal.pipeline.calibrate.Calibration;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.evaluate.DenseBaselines;
import org.prune4j.internal.pipeline.evaluate.Evaluation;
import org.prune4j.internal.pipeline.evaluate.EvaluationRows;
import org.prune4j.internal.pipeline.evaluate.ModelEvaluation;
import org.prune4j.internal.pipeline.load.SourceModel;
import org.prune4j.internal.pipeline.load.WorkingModel;
import org.prune4j.internal.pipeline.prune.BlockPruner;
import org.prune4j.internal.pipeline.prune.MatrixPatterns;
import org.prune4j.internal.pipeline.prune.PruningSpec;
import org.prune4j.internal.pipeline.prune.SparsityAllocator;
import org.prune4j.internal.pipeline.recover.Recovery;
import org.prune4j.internal.pipeline.report.PruneReport;
import org.prune4j.internal.pipeline.report.ReportBuilder;
import org.prune4j.internal.pipeline.report.ReportFiles;
import org.prune4j.internal.pipeline.save.OutputTarget;
import org.prune4j.internal.prune.PruningMask;

/**
 * One one-shot pruning job on a Llama-family model, read as the user's job:
 * {@code model source → calibration → method (allocate, prune) → recovery → evaluation → writer → report}.
 * Each stage lives in its own package ({@code pipeline.load}, {@code .calibrate}, {@code .prune},
 * {@code .recover}, {@code .evaluate}, {@code .save}, {@code .report}); this class only orders them.
 *
 * <p>A model that fits comfortably in memory is held resident; a larger one is streamed (one decoder
 * block at a time built from the memory-mapped checkpoint, changed blocks spilled to a scratch folder
 * beside the output), see {@link org.prune4j.internal.pipeline.load.Residency}.
 */
public final class LlmPruneJob {
    private final PrintStream log;
    private final DenseBaselines baselines;
    private final BiConsumer<String, PruningMask> maskListener;
    private final Function<PruneReport, String> reportJson;

    /** A job that prints its progress lines to {@code log} (standard error on the command line). */
    public LlmPruneJob(PrintStream log) {
        this(log, new DenseBaselines(), (name, mask) -> {}, ReportFiles::toJson);
    }

    private LlmPruneJob(PrintStream log, DenseBaselines baselines, BiConsumer<String, PruningMask> maskListener,
            Function<PruneReport, String> reportJson) {
        this.log = log;
        this.baselines = baselines;
        this.maskListener = maskListener;
        this.reportJson = reportJson;
    }

    /** This job sharing dense evaluations with other jobs of the same run (measured once per model and rows). */
    public LlmPruneJob sharingDenseBaselines(DenseBaselines shared) {
        return new LlmPruneJob(log, shared, maskListener, reportJson);
    }

    /** This job telling {@code listener} every matrix's mask as soon as it is decided. */
    public LlmPruneJob withMaskListener(BiConsumer<String, PruningMask> listener) {
        return new LlmPruneJob(log, baselines, listener, reportJson);
    }

    /**
     * This job writing {@code json(report)} as the report beside the output (default: the report alone;
     * the API adds the recipe it ran), so the report file is written once, by the job.
     */
    public LlmPruneJob withReportJson(Function<PruneReport, String> json) {
        return new LlmPruneJob(log, baselines, maskListener, json);
    }

    /** Runs the whole job and returns its report (also written next to the output when saving). */
    public PruneReport run(PruneJobSettings s) {
        PruningSpec pruning = s.pruning();
        ReportBuilder report = new ReportBuilder(s.model().model(), pruning);

        SourceModel source = SourceModel.load(s.model());
        org.prune4j.internal.io.NonFiniteWeights.requireFinite(source.checkpoint().tensors(), s.model().model());
        if (s.output().out() != null) {
            org.prune4j.internal.io.OutputLocation.check("--out", s.output().out());
        }
        OutputTarget target = OutputTarget.resolve(s.output(), source.checkpoint());
        CalibrationSet calib = pruning.method().needsCalibration()
                ? Calibration.prepare(s.calibration(), source, pruning.method().name()) : null;
        EvaluationRows evalRows = EvaluationRows.of(s.evaluation(), source);
        report.stage("load");

        Path scratchParent = target != null ? target.out().toAbsolutePath().getParent()
                : Path.of(System.getProperty("java.io.tmpdir"));
        try (WorkingModel model = WorkingModel.open(source, scratchParent)) {
            report.built(source, model, calib, evalRows);
            if (evalRows != null) {
                ModelEvaluation dense = baselines.get(String.valueOf(source.checkpoint().source()), evalRows,
                        () -> {
                            Evaluation.warmUp(model, evalRows);
                            return Evaluation.run(model, evalRows);
                        });
                log.printf("dense perplexity %.4f%n", dense.ppl());
                report.dense(dense);
            }
            int batch = Calibration.batchSize(s.calibration(), source.checkpoint().config(), calib);
            MatrixPatterns patterns = new SparsityAllocator(log).allocate(pruning, model, calib, batch);
            report.allocated(patterns);
            new BlockPruner(pruning.method(), batch).prune(model.frame(), model.blocks(), calib, patterns::of, maskListener);
            report.stage("prune");
            if (s.recovery() != Recovery.none()) {
                s.recovery().recover(model, calib);
                report.stage("recover");
            }
            if (evalRows != null) {
                ModelEvaluation pruned = Evaluation.run(model, evalRows);
                log.printf("pruned perplexity %.4f%n", pruned.ppl());
                report.pruned(pruned);
            }
            report.measure(model.checkpoint());
            if (target != null) {
                target.write(model.checkpoint());
                report.saved(target);
            }
            PruneReport r = report.build();
            if (target != null) {
                ReportFiles.write(reportJson.apply(r), target.out());
            }
            return r;
        }
    }
}
