package org.prune4j.internal.cli;

import org.prune4j.UserError;
import picocli.CommandLine.Option;

/**
 * {@code --print-recipe} on a command whose run a recipe cannot describe yet (recipes describe one-shot LLM
 * prune runs, see {@link RunCommand}): mixed into the command so that the flag is a one-line
 * "not supported yet" error, never silently ignored.
 */
final class NoRecipeYet {
    @Option(names = "--print-recipe",
            description = "Not supported yet for this command (recipes describe one-shot LLM prune runs): exits with an error saying so.")
    boolean printRecipe;

    /** Throws when {@code --print-recipe} was given to {@code command}. */
    void refuse(String command) {
        if (printRecipe) {
            throw new UserError("--print-recipe: not supported yet for " + command
                    + " (recipes describe one-shot LLM pruning: prune4j prune --print-recipe)");
        }
    }
}
