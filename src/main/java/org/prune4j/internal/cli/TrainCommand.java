package org.prune4j.internal.cli;

import java.util.concurrent.Callable;
import org.prune4j.internal.experiment.Outcome;
import org.prune4j.internal.experiment.PruningSettings;
import org.prune4j.internal.experiment.SettingsFlags;
import org.prune4j.internal.experiment.TrainExperiment;
import org.prune4j.internal.experiment.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j train}: trains a vision network from scratch — dense, with gradual magnitude pruning,
 * or pruned at initialisation (SNIP, GraSP, SynFlow, random) — in a run folder under {@code --out} named
 * by the hash of its settings; re-running the same settings prints the finished result.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a vision network, optionally pruning it gradually or at initialisation.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ExperimentOptions options;

    @Spec
    CommandSpec spec;

    /** The command with the settings records' flags added. */
    static CommandLine create() {
        CommandLine cl = new CommandLine(new TrainCommand());
        SettingsFlags.addOptions(cl.getCommandSpec(), TrainingSettings.DEFAULTS);
        SettingsFlags.addOptions(cl.getCommandSpec(), PruningSettings.DEFAULTS);
        return cl;
    }

    @Override
    public Integer call() {
        if (options.recipe.printed(spec, "train")) {
            return 0;
        }
        EngineThreads.set(options.threads);
        TrainingSettings ts = SettingsFlags.read(spec, TrainingSettings.class);
        PruningSettings ps = SettingsFlags.read(spec, PruningSettings.class);
        Outcome o = TrainExperiment.run(ts, ps, options.out, options.dataDir, System.err);
        ExperimentOutput.print(spec.commandLine().getOut(), o, options.json ? RecipeOption.tree(spec, "train") : null);
        return 0;
    }
}
