package org.prune4j.api;

import java.io.PrintStream;
import java.nio.file.Path;
import org.prune4j.internal.pipeline.LlmPruneJob;
import org.prune4j.internal.pipeline.report.PruneReport;
import org.prune4j.internal.pipeline.report.ReportFiles;
import org.prune4j.internal.prune.structured.StructuredPruneJob;
import org.prune4j.api.report.StructuredReport;

/**
 * The entry point of the prune4j library: load a model, prune it, evaluate it, save it; or run a whole
 * {@link Recipe} in one streamed pass (what {@code prune4j prune} and {@code prune4j run} do).
 * <pre>{@code
 * LanguageModel model = Prune4j.load("stories260K");
 * PruneSettings settings = PruneSettings.builder().method("sparsegpt").sparsity("2:4").build();
 * try (PrunedModel pruned = model.prune(settings)) {
 *     System.out.println(pruned.evaluate(EvaluationSettings.protocol()).perplexity());
 *     pruned.save(Path.of("pruned.bin"));
 * }
 * }</pre>
 * Recovery fine-tuning ({@link RecoverySettings}: LoRA, mask-preserving LoRA, norms/biases, full,
 * distillation) runs after pruning when a recipe has a {@code recovery} section, or on its own
 * ({@link #recover}), through the same job as {@code prune4j recover}; {@link PrunedModel#recover} recovers
 * a model pruned through the API.
 */
public final class Prune4j {
    private Prune4j() {}

    /**
     * Opens a Llama-family model: a bundled name ({@code stories260K}), a llama2.c checkpoint file (its
     * tokenizer found beside it) or a Hugging Face directory.
     *
     * @throws org.prune4j.UserError when the model is missing or malformed
     */
    public static LanguageModel load(String model) {
        return load(ModelSettings.of(model));
    }

    /** Opens the model at {@code path} (see {@link #load(String)}). */
    public static LanguageModel load(Path path) {
        return load(path.toString());
    }

    /** Opens a model with a tokenizer override (see {@link ModelSettings}). */
    public static LanguageModel load(ModelSettings model) {
        return new LanguageModel(model);
    }

    /**
     * Runs a recipe in one pass of the pipeline: evaluates the dense model, prunes block by block,
     * evaluates the pruned model, saves it with its JSON report (which embeds the recipe). Progress goes to
     * standard error.
     *
     * @throws org.prune4j.UserError when an input is missing or bad or a setting does not fit the model
     */
    public static PruneResult run(Recipe recipe) {
        return run(recipe, System.err);
    }

    /** As {@link #run(Recipe)}, with progress lines going to {@code progress}. */
    public static PruneResult run(Recipe recipe, PrintStream progress) {
        if (recipe.method().structured() || !recipe.method().prunes()) {
            throw new org.prune4j.UserError("method.name " + recipe.method().name() + ": run it with Prune4j."
                    + (recipe.method().prunes() ? "runStructured" : "recover"));
        }
        if (recipe.recovery().recovers()) {
            RecoveryStage.Staged<PruneReport> staged = RecoveryStage.pruneThenRecover(recipe,
                    r -> new LlmPruneJob(progress).run(JobSettings.settings(r)), progress,
                    (p, rec) -> new PruneResult(recipe, p, rec).toJson(true));
            PruneResult result = new PruneResult(recipe, staged.pruned(), staged.recovery());
            result.output().ifPresent(o -> ReportFiles.write(result.toJson(true), o));
            return result;
        }
        PruneReport report = new LlmPruneJob(progress)
                .withReportJson(r -> new PruneResult(recipe, r).toJson(true))
                .run(JobSettings.settings(recipe));
        return new PruneResult(recipe, report);
    }

    /**
     * Runs a recipe that only recovers (method {@code none}, what {@code prune4j recover} runs): fine-tunes the
     * recipe's model as its {@code recovery} section says, evaluates before and after, writes the recovered
     * model to {@code output.path} with its report (which embeds the recipe).
     *
     * @throws org.prune4j.UserError when an input is missing or bad or a setting does not fit the model
     */
    public static RecoveryResult recover(Recipe recipe, PrintStream progress) {
        if (recipe.method().prunes()) {
            throw new org.prune4j.UserError("method.name " + recipe.method().name() + ": the recipe prunes; run it with Prune4j."
                    + (recipe.method().structured() ? "runStructured" : "run") + " (its recovery runs after pruning)");
        }
        return new RecoveryResult(recipe, RecoveryStage.recoverModel(recipe, progress,
                r -> new RecoveryResult(recipe, r).toJson(true)));
    }

    /**
     * Runs a recipe whose method is structured ({@code flap}, {@code wanda-sp}, {@code magnitude-sp},
     * {@code taylor}, {@code block-influence}, {@code angular}): loads the model, calibrates, removes whole
     * heads, neurons or layers, evaluates, saves the smaller model with its JSON report (which embeds the
     * recipe). Progress goes to {@code progress}.
     *
     * @throws org.prune4j.UserError when an input is missing or bad, a setting does not fit the model, or the
     *     recipe's method is not structured
     */
    public static StructuredResult runStructured(Recipe recipe, PrintStream progress) {
        if (!recipe.method().structured()) {
            throw new org.prune4j.UserError("method.name " + recipe.method().name() + ": not a structured method; use Prune4j."
                    + (recipe.method().prunes() ? "run" : "recover"));
        }
        if (recipe.recovery().recovers()) {
            RecoveryStage.Staged<StructuredReport> staged = RecoveryStage.pruneThenRecover(recipe,
                    r -> new StructuredPruneJob(progress).run(JobSettings.structuredIo(r), JobSettings.structuredSettings(r)),
                    progress, (p, rec) -> new StructuredResult(recipe, p, rec).toJson(true));
            StructuredResult result = new StructuredResult(recipe, staged.pruned(), staged.recovery());
            result.output().ifPresent(o -> ReportFiles.write(result.toJson(true), o));
            return result;
        }
        StructuredReport report = new StructuredPruneJob(progress)
                .withReportJson(r -> new StructuredResult(recipe, r).toJson(true))
                .run(JobSettings.structuredIo(recipe), JobSettings.structuredSettings(recipe));
        return new StructuredResult(recipe, report);
    }

    /** Where the JSON report of an output goes: beside a file ({@code FILE.report.json}), inside a directory ({@code prune4j_report.json}). */
    public static Path reportPath(Path output) {
        return ReportFiles.reportPath(output);
    }
}
