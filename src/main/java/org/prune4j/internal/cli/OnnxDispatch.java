package org.prune4j.internal.cli;

import picocli.CommandLine;

/**
 * Hands {@code prune --onnx ...} and {@code inspect --onnx ...} to the ONNX commands, which have their own
 * options; every other command line goes to the usual sub-commands.
 */
final class OnnxDispatch {
    private OnnxDispatch() {}

    /** The ONNX command for {@code args}, or {@code null} when the arguments are not an ONNX prune/inspect. */
    static Object commandFor(String... args) {
        if (args.length < 2) {
            return null;
        }
        boolean onnx = false;
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            onnx |= args[i].equals("--onnx") || args[i].startsWith("--onnx=");
        }
        if (!onnx) {
            return null;
        }
        return switch (args[0]) {
            case "prune" -> new OnnxPruneCommand();
            case "inspect" -> new OnnxInspectCommand();
            default -> null;
        };
    }

    /** Runs the ONNX command with the CLI's error handling ({@code cl} configured as {@link Main#commandLine()}). */
    static int execute(CommandLine main, Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(main.getOut());
        cl.setErr(main.getErr());
        cl.setExecutionExceptionHandler(main.getExecutionExceptionHandler());
        cl.setParameterExceptionHandler(main.getParameterExceptionHandler());
        return cl.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
}
