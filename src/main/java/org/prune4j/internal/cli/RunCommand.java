package org.prune4j.internal.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.api.Prune4j;
import org.prune4j.api.PruneResult;
import org.prune4j.api.JobRecipe;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecipeJob;
import org.prune4j.api.RecipeFormat;
import org.prune4j.api.RecoveryResult;
import org.prune4j.api.StructuredResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prune4j run}: runs a recipe (a YAML file, or the recipe embedded in a report). */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a recipe: the model, calibration, method with all its settings, allocation, recovery, "
                + "evaluation and output of a pruning run, in YAML (see docs/recipes.md).",
            "Structured methods (method.name flap, ...) and a recovery section (fine-tuning after pruning, as prune4j recover) "
                + "run too; method.name none only recovers the model (what prune4j recover --print-recipe writes).",
            "prune4j prune --print-recipe writes one; every report embeds the recipe it ran (--from-report), and "
                + "running it again writes the same bytes and measures the same perplexities.",
            "A recipe with a job key runs that command: job eval, generate, train, lottery, prune-vision (prune --arch) "
                + "or prune-onnx (prune --onnx), as written by that command's --print-recipe or embedded in its --json report; "
                + "run prints what the command prints.",
            "Relative paths in a recipe are resolved against the current directory."})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RECIPE", description = "The recipe, a YAML file.")
    Path recipe;

    @Option(names = "--from-report", paramLabel = "REPORT",
            description = "Run the recipe embedded in a JSON report (FILE.report.json or prune4j_report.json) instead.")
    Path fromReport;

    @Option(names = "--out", paramLabel = "PATH", description = "Write the pruned model here instead of the recipe's output.path.")
    Path out;

    @Option(names = "--print-recipe", description = "Print the recipe that would run (after --out) as YAML and exit without running.")
    boolean printRecipe;

    @Option(names = "--json", description = "Print the report as one JSON object on standard output.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if ((recipe == null) == (fromReport == null)) {
            throw new UserError("run: give a recipe file or --from-report REPORT (one of them)");
        }
        RecipeJob job = recipe != null ? RecipeFormat.readJob(recipe) : RecipeFormat.jobFromReport(fromReport);
        return switch (job) {
            case Recipe r -> runPrune(r);
            case JobRecipe j -> runCommand(j);
        };
    }

    /**
     * Runs a command's job: the command line it describes, with this command's writers (so {@code run} prints
     * exactly what the command prints); {@code --print-recipe} lets the command print it with every setting in effect.
     */
    private int runCommand(JobRecipe j) {
        JobRecipe r = out == null ? j : j.withOutput(out.toAbsolutePath().normalize());
        java.util.List<String> args = new java.util.ArrayList<>(r.arguments());
        if (printRecipe) {
            args.add("--print-recipe");
        } else if (json) {
            args.add("--json");
        }
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        return Main.run(cl, args.toArray(new String[0]));
    }

    private int runPrune(Recipe r) {
        if (out != null) {
            r = r.withOutput(out.toAbsolutePath().normalize());
        }
        PrintStream stdout = System.out;
        if (printRecipe) {
            stdout.print(RecipeFormat.toYaml(r));
            return 0;
        }
        if (!r.method().prunes()) {
            RecoveryResult result = Prune4j.recover(r, System.err);
            if (json) {
                stdout.println(result.toJson(false));
            } else {
                RecoverCommand.print(result.report(), stdout);
            }
            return 0;
        }
        if (r.method().structured()) {
            StructuredResult result = Prune4j.runStructured(r, System.err);
            if (json) {
                stdout.println(result.toJson(false));
            } else {
                StructuredPruneLauncher.print(result.report(), stdout);
                result.recovery().ifPresent(rec -> RecoverCommand.print(rec.report(), stdout));
            }
            return 0;
        }
        PruneResult result = Prune4j.run(r, System.err);
        if (json) {
            stdout.println(result.toJson(false));
        } else {
            PruneCommand.printSummary(result, stdout);
            result.recovery().ifPresent(rec -> RecoverCommand.print(rec.report(), stdout));
        }
        return 0;
    }
}
