/**
 * The prune4j library API: load a language model, prune it, evaluate it, save it — and recipes, the
 * complete description of a run that the command line prints, runs and embeds in its reports.
 *
 * <p>Start at {@link org.prune4j.api.Prune4j}:
 * <pre>{@code
 * LanguageModel model = Prune4j.load("stories260K");
 * PruneSettings settings = PruneSettings.builder().method("wanda").sparsity("2:4").build();
 * try (PrunedModel pruned = model.prune(settings)) {
 *     System.out.println(pruned.evaluate(EvaluationSettings.protocol()).perplexity());
 *     pruned.save(Path.of("pruned.bin"));
 * }
 * }</pre>
 *
 * <p>Every setting is a value ({@link org.prune4j.api.Recipe} and its sections); a
 * {@link org.prune4j.api.Recipe} is read from and written to YAML by {@link org.prune4j.api.RecipeFormat}.
 * The other commands' runs ({@code eval}, {@code generate}, {@code train}, {@code lottery}, vision and ONNX
 * pruning) are {@link org.prune4j.api.JobRecipe}s, recipes with a {@code job} key; {@link org.prune4j.api.RecipeJob}
 * is either kind.
 * Bad settings and bad input fail with a one-line {@link org.prune4j.UserError} naming the setting.
 * Everything outside this package (and {@link org.prune4j.UserError}) is internal and may change.
 */
package org.prune4j.api;
