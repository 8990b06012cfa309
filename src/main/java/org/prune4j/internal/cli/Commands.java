package org.prune4j.internal.cli;

import picocli.CommandLine;

/** The list of sub-commands; each lives in its own class in this package. */
final class Commands {
    private Commands() {}

    static void registerAll(CommandLine cl) {
        // One line per command, kept in the order they appear in --help.
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new PruneCommand());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new ConvertCommand());
        cl.addSubcommand(new EvalCommand());
        cl.addSubcommand(new GenerateCommand());
        cl.addSubcommand(new InspectCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(TrainCommand.create());
        cl.addSubcommand(LotteryCommand.create());
        cl.addSubcommand(new RecoverCommand());
    }
}
