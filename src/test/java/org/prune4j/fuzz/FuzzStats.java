package org.prune4j.fuzz;

import java.util.List;

/**
 * The outcome of fuzzing one parser.
 *
 * @param target the parser's name
 * @param inputs inputs run
 * @param accepted inputs the parser read without complaint
 * @param userErrors inputs refused with a {@code UserError} (the expected answer to bad input)
 * @param failures everything else: uncaught exceptions, {@code OutOfMemoryError}, stack overflows,
 *     inputs that ran past the time bound (each described on one line, with the saved input's path)
 * @param seconds wall time
 */
record FuzzStats(String target, long inputs, long accepted, long userErrors, List<String> failures, double seconds) {

    /** One line for logs and docs/fuzzing.md. */
    String line() {
        return String.format(java.util.Locale.ROOT, "%-20s %9d inputs %9d accepted %9d user errors %5d failures %8.1f s",
                target, inputs, accepted, userErrors, failures.size(), seconds);
    }
}
