package org.prune4j.internal.cli;

/**
 * Child-process entry point of {@link TerminalNoiseTest}: prints every command's {@code --help}, then runs the
 * command lines it is given (separated by {@code ;;}), in one JVM, so that anything the JVM, picocli or the native engine writes to the
 * process's standard error (which an in-process capture of {@code System.err} cannot see) is caught.
 */
final class NoiseProbe {
    private NoiseProbe() {}

    public static void main(String[] args) {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            int code = Main.run(name, "--help");
            if (code != 0) {
                System.exit(100 + code);
            }
        }
        // then each command line, separated by ";;", as the launcher runs it
        java.util.List<String> line = new java.util.ArrayList<>();
        for (int i = 0; i <= args.length; i++) {
            if (i == args.length || args[i].equals(";;")) {
                int code = Main.launch(line.toArray(String[]::new));
                if (code != 0) {
                    System.exit(code);
                }
                line.clear();
            } else {
                line.add(args[i]);
            }
        }
        System.exit(0);
    }
}
