package org.prune4j.fuzz;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One parser under fuzzing.
 *
 * @param name short name, used in reports and for the seed of its mutations
 * @param seeds valid inputs to mutate
 * @param wrap turns a mutant into the file's bytes (e.g. zips a mutated pickle with valid checksums, so
 *     mutations reach the pickle machine instead of stopping at the zip's CRC); identity for most
 * @param fileName the input's file name, when the parser looks for a fixed name ({@code config.json});
 *     null for a fresh name per input
 * @param setup places fixed companion files in the working directory (null when none)
 * @param parser reads the input file the way the tool does
 */
record FuzzTarget(String name, List<byte[]> seeds, UnaryOperator<byte[]> wrap, String fileName, Setup setup,
        Parser parser) {

    /** Reads one input; a {@code UserError} is the expected answer to bad input. */
    @FunctionalInterface
    interface Parser {
        void parse(Path input) throws Exception;
    }

    /** Prepares the working directory once per run. */
    @FunctionalInterface
    interface Setup {
        void into(Path dir) throws Exception;
    }
}
