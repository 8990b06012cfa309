package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.prune4j.api.JobRecipe;
import org.prune4j.api.RecipeFormat;
import org.prune4j.internal.recipe.JobKey;
import org.prune4j.internal.recipe.JobSchema;
import org.prune4j.internal.recipe.JobSchemas;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code --print-recipe} of a command that runs a {@link JobRecipe} job ({@code eval}, {@code generate},
 * {@code train}, {@code lottery}, {@code prune --arch}, {@code prune --onnx}), mixed into the command; and
 * the recipe of its parsed command line, which its JSON report embeds. Every option of the command is a key
 * of the job (but help, {@code --json} and this flag): an option without one is a programming error, found
 * by the first use of the command.
 */
final class RecipeOption {
    /** Options that change no result: they are not recipe keys. */
    private static final Set<String> NOT_SETTINGS = Set.of("--help", "--version", "--json", "--print-recipe");

    @Option(names = "--print-recipe",
            description = "Print the recipe of this command line as YAML (every setting in effect, paths absolute) and exit"
                    + " without running; prune4j run FILE runs it (docs/recipes.md).")
    boolean printRecipe;

    /** Prints the recipe of {@code spec}'s parsed command line when {@code --print-recipe} was given; true then. */
    boolean printed(CommandSpec spec, String job) {
        if (!printRecipe) {
            return false;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(RecipeFormat.toYaml(of(spec, job)));
        out.flush();
        return true;
    }

    /** The recipe as the tree a JSON report embeds. */
    static ObjectNode tree(CommandSpec spec, String job) {
        return RecipeFormat.toTree(of(spec, job));
    }

    /** The recipe of the command line parsed into {@code spec}. */
    static JobRecipe of(CommandSpec spec, String job) {
        JobSchema schema = JobSchemas.byName(job);
        for (OptionSpec o : spec.options()) {
            if (!NOT_SETTINGS.contains(o.longestName()) && schema.keyOfFlag(o.longestName()) == null) {
                throw new IllegalStateException("option " + o.longestName() + " of " + spec.qualifiedName()
                        + " is no key of recipe job " + job);
            }
        }
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        for (JobKey k : schema.keys()) {
            OptionSpec o = spec.findOption(k.flag());
            if (o == null) {
                throw new IllegalStateException("recipe key " + k.path() + " of job " + job + ": no option " + k.flag());
            }
            Object v = k.type().fromOption(o.getValue());
            if (v != null && !(v instanceof Map<?, ?> m && m.isEmpty())) {
                sections.computeIfAbsent(k.section(), s -> new LinkedHashMap<>()).put(k.name(), v);
            }
        }
        return new JobRecipe(job, sections);
    }
}
