package org.prune4j.api;

/**
 * What a recipe runs: a {@link Recipe} (job {@code prune}: LLM pruning, recovery, or both; the default
 * when a recipe has no {@code job} key) or a {@link JobRecipe} (a command's job: {@code eval},
 * {@code generate}, {@code train}, {@code lottery}, {@code prune-vision}, {@code prune-onnx}).
 * {@link RecipeFormat#parseJob} reads either; {@code prune4j run} runs either.
 */
public sealed interface RecipeJob permits Recipe, JobRecipe {
    /** The job's name, the recipe's {@code job} key. */
    String job();
}
