package org.prune4j.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.recipe.JobSchema;
import org.prune4j.internal.recipe.JobSchemas;

/**
 * The recipe of a command's job ({@code job: eval}, {@code generate}, {@code train}, {@code lottery},
 * {@code prune-vision}, {@code prune-onnx}): its sections of settings, each key standing for one option
 * of the command (the keys of each job: {@code docs/recipes.md}). Like a method's settings in
 * {@link MethodSettings}, the keys and their types come from the job's schema, and are checked when the
 * recipe is made: an unknown section or key, or a value of the wrong type, is a {@link UserError} naming
 * the key. {@code prune4j run} runs the command it describes; the command's {@code --print-recipe} writes
 * it, and its JSON report embeds it under {@code recipe}.
 *
 * @param job the job's name
 * @param sections section name to key to value ({@link String}, {@link Integer}, {@link Long},
 *     {@link Double}, {@link Boolean}, a list of numbers or a mapping of names to integers); a key left out
 *     takes the command's default
 */
public record JobRecipe(String job, Map<String, Map<String, Object>> sections) implements RecipeJob {
    /** Checks the job and every key against the job's schema; puts the sections in the schema's order. */
    public JobRecipe {
        JobSchema schema = JobSchemas.byName(job);
        job = schema.job();
        sections = schema.normalize(sections);
    }

    /** The value of {@code section.key}, or null when not given. */
    public Object get(String section, String key) {
        Map<String, Object> s = sections.get(section);
        return s == null ? null : s.get(key);
    }

    /** The command line (after the program name) that runs this recipe, e.g. {@code [eval, --model, stories260K, ...]}. */
    public List<String> arguments() {
        return JobSchemas.byName(job).arguments(sections);
    }

    /** This recipe writing its output to {@code path} instead ({@code output.path}); an error for a job without output. */
    public JobRecipe withOutput(Path path) {
        if (!JobSchemas.byName(job).sections().contains("output")) {
            throw new UserError("job " + job + " writes no output (it has no output.path)");
        }
        Map<String, Map<String, Object>> s = new LinkedHashMap<>(sections);
        Map<String, Object> output = new LinkedHashMap<>(s.getOrDefault("output", Map.of()));
        output.put("path", path.toString());
        s.put("output", output);
        return new JobRecipe(job, s);
    }
}
