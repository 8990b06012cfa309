package org.prune4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prune4j.experiment.LotteryExperiment;
import org.prune4j.experiment.LotterySettings;
import org.prune4j.experiment.Outcome;
import org.prune4j.experiment.SettingsFlags;
import org.prune4j.experiment.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j lottery}: iterative magnitude pruning with rewinding (lottery tickets), or one of its
 * controls, in a run folder under {@code --out} named by the hash of its settings; an interrupted run
 * resumes at its first unfinished level, a finished one is printed without training.
 */
@Command(name = "lottery", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find lottery tickets by iterative magnitude pruning with rewinding.")
public final class LotteryCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder holding the run folders.")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset files are (see Datasets).")
    Path dataDir;

    @Option(names = "--json", description = "Print one JSON object with the results.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads (0: the engine's default). 1 is fastest for small networks on a busy machine.")
    int threads;

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
        EngineThreads.set(threads);
        TrainingSettings ts = SettingsFlags.read(spec, TrainingSettings.class);
        LotterySettings ls = SettingsFlags.read(spec, LotterySettings.class);
        Outcome o = LotteryExperiment.run(ts, ls, out, dataDir, System.err);
        ExperimentOutput.print(spec.commandLine().getOut(), o, json);
        return 0;
    }
}
