package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the real command line with its exit code and what it printed (standard output and error are
 * captured both as streams and as picocli writers, so every command's output lands here).
 */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Standard output as the one JSON object it must be. */
    JsonNode json() throws IOException {
        assertEquals(1, out.strip().lines().count(), "exactly one JSON line: " + out);
        return new ObjectMapper().readTree(out);
    }

    /** Asserts exit code 2 with a one-line {@code prune4j: ...} message containing {@code fragment}, no stack trace. */
    void assertUserError(String fragment) {
        assertEquals(Main.EXIT_USER_ERROR, code, out + err);
        String e = err.strip();
        assertTrue(e.startsWith("prune4j: "), e);
        assertTrue(e.contains(fragment), "expected '" + fragment + "' in: " + e);
        assertFalse(e.contains("\tat "), "no stack trace: " + e);
        assertTrue(e.lines().count() <= 2, "one line (plus a usage hint): " + e);
    }
}
