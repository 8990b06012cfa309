package org.prune4j.internal.cli;

import java.util.concurrent.Callable;
import org.prune4j.internal.experiment.LotteryExperiment;
import org.prune4j.internal.experiment.LotterySettings;
import org.prune4j.internal.experiment.Outcome;
import org.prune4j.internal.experiment.SettingsFlags;
import org.prune4j.internal.experiment.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j lottery}: iterative magnitude pruning with rewinding (lottery tickets), or one of its
 * controls, in a run folder under {@code --out} named by the hash of its settings; an interrupted run
 * resumes at its first unfinished level, a finished one is printed without training.
 */
@Command(name = "lottery", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find lottery tickets by iterative magnitude pruning with rewinding.")
final class LotteryCommand implements Callable<Integer> {
    @Mixin
    ExperimentOptions options;

    @Spec
    CommandSpec spec;

    /** The command with the settings records' flags added. */
    static CommandLine create() {
        CommandLine cl = new CommandLine(new LotteryCommand());
        SettingsFlags.addOptions(cl.getCommandSpec(), TrainingSettings.DEFAULTS);
        SettingsFlags.addOptions(cl.getCommandSpec(), LotterySettings.DEFAULTS);
        return cl;
    }

    @Override
    public Integer call() {
        if (options.recipe.printed(spec, "lottery")) {
            return 0;
        }
        EngineThreads.set(options.threads);
        TrainingSettings ts = SettingsFlags.read(spec, TrainingSettings.class);
        LotterySettings ls = SettingsFlags.read(spec, LotterySettings.class);
        Outcome o = LotteryExperiment.run(ts, ls, options.out, options.dataDir, System.err);
        ExperimentOutput.print(spec.commandLine().getOut(), o, options.json ? RecipeOption.tree(spec, "lottery") : null);
        return 0;
    }
}
