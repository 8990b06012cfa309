package org.prune4j.internal.cli;

import java.io.PrintWriter;
import org.prune4j.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code prune4j} command line. Exit codes: 0 success, 2 bad usage or bad input (one-line message,
 * no stack trace), 1 internal failure.
 */
@Command(name = "prune4j", mixinStandardHelpOptions = true, version = "prune4j 0.1.0",
        description = "Prune neural networks on the JVM and report what was lost and gained.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad usage or bad input. */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit code for an internal failure. */
    public static final int EXIT_INTERNAL = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with every sub-command registered. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        Commands.registerAll(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable root = ex;
            while (root != null && !(root instanceof UserError)) {
                root = root.getCause();
            }
            if (root != null) {
                cmd.getErr().println("prune4j: " + root.getMessage());
                return EXIT_USER_ERROR;
            }
            cmd.getErr().println("prune4j: internal error: " + ex);
            ex.printStackTrace(new PrintWriter(cmd.getErr(), true));
            return EXIT_INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("prune4j: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USER_ERROR;
        });
        return cl;
    }

    /** Runs the CLI and returns the exit code (used by tests). */
    public static int run(String... args) {
        return run(commandLine(), args);
    }

    /** Runs {@code args} on {@code cl} (built by {@link #commandLine()}, its writers set) and returns the exit code. */
    static int run(CommandLine cl, String... args) {
        if (VisionPruneCommand.isHelpRequest(args) || PreCropCommand.isRequest(args)) {
            return VisionPruneCommand.dispatch(cl, java.util.List.of(args));
        }
        Object onnx = OnnxDispatch.commandFor(args);
        return onnx != null ? OnnxDispatch.execute(cl, onnx, args) : cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(launch(args));
    }

    /** {@link #run} as the process entry point: with the engine's own log level set first (see EngineLogLevel). */
    static int launch(String... args) {
        if (!asksForHelp(args)) {
            EngineLogLevel.apply();
        }
        return run(args);
    }

    /** Help and version need no engine (and should not wait for it to load). */
    private static boolean asksForHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V") || a.equals("help")) {
                return true;
            }
        }
        return args.length == 0;
    }
}
