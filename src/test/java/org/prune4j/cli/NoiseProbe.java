package org.prune4j.cli;

/**
 * Child-process entry point of {@link TerminalNoiseTest}: prints every command's {@code --help}, then runs the
 * command line it is given, in one JVM, so that anything the JVM, picocli or the native engine writes to the
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
        System.exit(Main.run(args));
    }
}
