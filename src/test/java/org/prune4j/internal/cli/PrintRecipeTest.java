package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --print-recipe} is never silently ignored: a command whose run a recipe cannot describe yet says so
 * in one line (exit 2, nothing printed on standard output, nothing written), before reading any input.
 */
class PrintRecipeTest {
    @TempDir
    Path dir;

    @Test
    void commandsARecipeCannotDescribeYetSaySo() throws Exception {
        String missing = dir.resolve("missing").toString();
        String out = dir.resolve("out").toString();
        List<List<String>> commands = List.of(
                List.of("eval", "--model", "stories260K", "--text", missing),
                List.of("generate", "--model", "stories260K"),
                List.of("prune", "--arch", "resnet20", "--model", missing, "--method", "l1", "--ratio", "0.5", "--out", out),
                List.of("prune", "--onnx", missing, "--method", "l1", "--ratio", "0.5", "--out", out),
                List.of("train", "--out", out),
                List.of("lottery", "--out", out));
        for (List<String> c : commands) {
            String[] args = java.util.stream.Stream.concat(c.stream(), java.util.stream.Stream.of("--print-recipe"))
                    .toArray(String[]::new);
            CliRun r = CliRun.of(args);
            String what = String.join(" ", c);
            assertEquals(2, r.code(), what + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), what + ": one line: " + r.err());
            assertTrue(r.err().contains("--print-recipe: not supported yet"), what + ": " + r.err());
            assertEquals("", r.out(), what);
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), what + ": nothing written");
            }
        }
    }
}
