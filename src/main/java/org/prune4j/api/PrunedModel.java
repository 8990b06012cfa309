package org.prune4j.api;

import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.ScratchDirectory;
import org.prune4j.internal.pipeline.evaluate.Evaluation;
import org.prune4j.internal.pipeline.evaluate.EvaluationRows;
import org.prune4j.internal.pipeline.load.WorkingModel;
import org.prune4j.internal.pipeline.report.ReportBuilder;
import org.prune4j.internal.pipeline.report.ReportFiles;
import org.prune4j.internal.pipeline.save.OutputSpec;
import org.prune4j.internal.pipeline.save.OutputTarget;

/**
 * A model pruned by {@link LanguageModel#prune}: evaluate it, save it, read what pruning did
 * ({@link #result()}), recover it ({@link #recover}). Close it to free its
 * weights (and its scratch folder when streamed).
 */
public final class PrunedModel implements AutoCloseable {
    private final LanguageModel origin;
    private final WorkingModel model;
    private final ReportBuilder report;
    private Recipe recipe;

    PrunedModel(LanguageModel origin, WorkingModel model, ReportBuilder report, Recipe recipe) {
        this.origin = origin;
        this.model = model;
        this.report = report;
        this.recipe = recipe;
    }

    /** What pruning did: the recipe, per-matrix sparsity, times (and perplexity, once evaluated). */
    public PruneResult result() {
        return new PruneResult(recipe, report.build());
    }

    /** The achieved sparsity over all pruned matrices. */
    public double sparsity() {
        return result().sparsity();
    }

    /**
     * Perplexity of the pruned model on the rows {@code evaluation} names (the rows of the model it was
     * pruned from: a bundled model's protocol by default). The last evaluation goes into the report.
     */
    public PerplexityResult evaluate(EvaluationSettings evaluation) {
        EvaluationRows rows = origin.rows(evaluation);
        var e = Evaluation.run(model, rows);
        report.pruned(e);
        return LanguageModel.result(e, rows);
    }

    /** Saves to {@code path} in the format the path names (a {@code .bin} file is llama2c), else the input's. */
    public Path save(Path path) {
        return save(OutputSettings.to(path));
    }

    /**
     * Writes the pruned model where {@code output} says, atomically, with its JSON report beside it
     * ({@code FILE.report.json}, or {@code prune4j_report.json} in a directory) whose recipe writes the same
     * bytes there when run.
     *
     * @return the path written
     * @throws UserError when the path is the input model or does not suit the format
     */
    public Path save(OutputSettings output) {
        if (output.path() == null) {
            throw new UserError("output.path: missing; where should the pruned model go");
        }
        Path path = Path.of(output.path());
        OutputTarget target = OutputTarget.resolve(new OutputSpec(path, output.format()), origin.source().checkpoint());
        target.write(model.checkpoint());
        report.saved(target);
        recipe = new Recipe(recipe.model(), recipe.calibration(), recipe.method(), recipe.allocation(), recipe.recovery(),
                recipe.evaluation(), output);
        ReportFiles.write(result().toJson(true), path);
        return path;
    }

    /**
     * Fine-tunes the pruned model to win back quality (LoRA, mask-preserving LoRA, norms/biases, full,
     * distillation from the model it was pruned from) through the same job as {@code prune4j recover}, and
     * writes the recovered model to {@code out} with its report, whose recipe (this pruning, then this
     * recovery) replays the run with {@link Prune4j#run(Recipe)}. This pruned model is left as it was.
     *
     * @param recovery the method and its training settings (not {@code none})
     * @param evaluation the rows whose perplexity is measured before and after recovery
     * @param out where the recovered model goes (a {@code .bin} file is llama2c, else the input's format)
     * @throws UserError when a setting does not fit the model or the training data is missing or bad
     */
    public RecoveryResult recover(RecoverySettings recovery, EvaluationSettings evaluation, Path out) {
        if (!recovery.recovers()) {
            throw new UserError("recovery.method none: nothing to recover; give a recovery method");
        }
        Recipe whole = new Recipe(recipe.model(), recipe.calibration(), recipe.method(), recipe.allocation(), recovery,
                evaluation, OutputSettings.to(out.toAbsolutePath()));
        Path target = out.toAbsolutePath();
        try (ScratchDirectory scratch = ScratchDirectory.create(target.getParent(), ".prune4j-recover-")) {
            Path pruned = scratch.path().resolve(target.getFileName());
            OutputTarget.resolve(new OutputSpec(pruned, null), origin.source().checkpoint()).write(model.checkpoint());
            RecoveryResult r = RecoveryStage.recoverFile(whole, pruned, target, true, System.err,
                    rec -> new RecoveryResult(whole, rec.report()).toJson(true));
            return new RecoveryResult(whole, r.report(), r.outputBytes());
        }
    }

    /** Frees the pruned weights (and deletes the scratch folder of a streamed model). */
    @Override
    public void close() {
        model.close();
    }
}
