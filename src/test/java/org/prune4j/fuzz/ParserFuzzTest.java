package org.prune4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of every parser (issue 14): each mutant must be read or refused with a one-line
 * {@code UserError}; uncaught exceptions, {@code OutOfMemoryError}s, stack overflows and inputs running
 * past 10 s fail the test. The normal suite runs {@value #DEFAULT_INPUTS} inputs per parser; the long run
 * is one command (see docs/fuzzing.md):
 * <pre>./mvnw -B -o test -Dtest=ParserFuzzTest -Dprune4j.fuzz.inputs=100000</pre>
 * with {@code -Dprune4j.fuzz.seed=N} for other mutations and {@code -Dprune4j.fuzz.only=NAME,NAME} for some parsers.
 * Failing inputs are saved under {@code target/fuzz-failures/}.
 */
class ParserFuzzTest {
    static final int DEFAULT_INPUTS = 1000;

    @TempDir
    static Path scratch;

    @TestFactory
    Stream<DynamicTest> everyParserSurvivesMutatedInput() throws Exception {
        long inputs = Long.getLong("prune4j.fuzz.inputs", DEFAULT_INPUTS);
        long seed = Long.getLong("prune4j.fuzz.seed", 14);
        String only = System.getProperty("prune4j.fuzz.only");
        FuzzRunner runner = new FuzzRunner(Files.createDirectories(scratch.resolve("work")),
                Path.of("target", "fuzz-failures"), 10);
        List<FuzzTarget> targets = FuzzTargets.all(Files.createDirectories(scratch.resolve("seeds")));
        List<String> chosen = only == null ? null : List.of(only.split(","));
        return targets.stream().filter(t -> chosen == null || chosen.contains(t.name()))
                .map(t -> DynamicTest.dynamicTest(t.name(), () -> {
                    FuzzStats s = runner.run(t, inputs, seed);
                    System.out.println("fuzz " + s.line());
                    assertEquals(List.of(), s.failures(), t.name() + ": " + s.failures().size() + " failures");
                }));
    }
}
