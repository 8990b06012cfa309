package org.prune4j.api;

import java.io.PrintStream;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.pipeline.calibrate.Calibration;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.calibrate.CalibrationSpec;
import org.prune4j.internal.pipeline.evaluate.Evaluation;
import org.prune4j.internal.pipeline.evaluate.EvaluationRows;
import org.prune4j.internal.pipeline.evaluate.ModelEvaluation;
import org.prune4j.internal.pipeline.load.SourceModel;
import org.prune4j.internal.pipeline.load.WorkingModel;
import org.prune4j.internal.pipeline.prune.BlockPruner;
import org.prune4j.internal.pipeline.prune.MatrixPatterns;
import org.prune4j.internal.pipeline.prune.PruningSpec;
import org.prune4j.internal.pipeline.prune.SparsityAllocator;
import org.prune4j.internal.pipeline.report.ReportBuilder;

/**
 * A Llama-family language model opened with {@link Prune4j#load}: a llama2.c checkpoint or a Hugging Face
 * directory, memory-mapped. Evaluation and pruning run the same pipeline stages as {@link Prune4j#run};
 * the model is held in memory when it is small enough, else its decoder blocks are streamed one at a time
 * ({@link ModelSettings#residency()}).
 */
public final class LanguageModel {
    private final ModelSettings settings;
    private final SourceModel source;

    LanguageModel(ModelSettings settings) {
        this.settings = settings;
        this.source = SourceModel.load(JobSettings.model(settings));
    }

    /** The model as it was named (bundled name or path), its tokenizer override and residency. */
    public ModelSettings settings() {
        return settings;
    }

    /** Number of decoder blocks. */
    public int layers() {
        return source.checkpoint().config().numLayers();
    }

    /** Context length in tokens. */
    public int contextLength() {
        return source.checkpoint().config().maxPositions();
    }

    /** Vocabulary size. */
    public int vocabularySize() {
        return source.checkpoint().config().vocabSize();
    }

    /**
     * Perplexity on the rows {@code evaluation} names (with neither text nor ids, a bundled model's pinned
     * protocol).
     *
     * @throws UserError when the data is missing or does not fit the model
     */
    public PerplexityResult evaluate(EvaluationSettings evaluation) {
        EvaluationRows rows = rows(evaluation);
        try (WorkingModel model = WorkingModel.open(source, scratchParent())) {
            return result(Evaluation.run(model, rows), rows);
        }
    }

    /**
     * Prunes a copy of this model (this one is not changed) and returns it, held in memory or, when
     * streamed, in a scratch folder under {@code java.io.tmpdir} until it is closed. Progress goes to
     * standard error. Nothing is evaluated: call {@link PrunedModel#evaluate}.
     *
     * @throws UserError when a setting does not fit the model or the calibration data is missing or bad
     */
    public PrunedModel prune(PruneSettings prune) {
        return prune(prune, System.err);
    }

    /** As {@link #prune(PruneSettings)}, with progress lines going to {@code progress}. */
    public PrunedModel prune(PruneSettings prune, PrintStream progress) {
        if (prune.method().structured()) {
            throw new UserError("method.name " + prune.method().name() + ": not supported yet here: structured methods run as"
                    + " a recipe (Prune4j.runStructured)");
        }
        PruningSpec pruning = JobSettings.pruning(prune.method(), prune.allocation());
        CalibrationSpec calibrationSpec = JobSettings.calibration(prune.calibration());
        ReportBuilder report = new ReportBuilder(settings.path(), pruning);
        CalibrationSet calib = pruning.method().needsCalibration()
                ? Calibration.prepare(calibrationSpec, source, pruning.method().name()) : null;
        report.stage("load");
        WorkingModel model = WorkingModel.open(source, scratchParent());
        try {
            report.built(source, model, calib, null);
            int batch = Calibration.batchSize(calibrationSpec, source.checkpoint().config(), calib);
            MatrixPatterns patterns = new SparsityAllocator(progress).allocate(pruning, model, calib, batch);
            report.allocated(patterns);
            new BlockPruner(pruning.method(), batch).prune(model.frame(), model.blocks(), calib, patterns::of,
                    (name, mask) -> {});
            report.stage("prune");
            report.measure(model.checkpoint());
            Recipe recipe = Recipe.of(settings, prune, EvaluationSettings.protocol(), OutputSettings.none());
            return new PrunedModel(this, model, report, recipe);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    SourceModel source() {
        return source;
    }

    /** The rows {@code evaluation} names for this model (a pruned copy reads the same rows). */
    EvaluationRows rows(EvaluationSettings evaluation) {
        EvaluationRows rows = EvaluationRows.of(JobSettings.evaluation(evaluation), source);
        if (rows == null) {
            throw new UserError("evaluation: give evaluation.text or evaluation.ids (only bundled models have a pinned protocol)");
        }
        return rows;
    }

    static PerplexityResult result(ModelEvaluation e, EvaluationRows rows) {
        return new PerplexityResult(e.ppl(), rows.rows().length, rows.rows()[0].length, e.tokens(), e.seconds());
    }

    private static Path scratchParent() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
