package org.prune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user sees prune4j's output only: no picocli format warnings in any {@code --help}, no warnings of the
 * native engine (libtorch's deprecated-guard warning was printed by every vision eval), checked on the real
 * standard error of a child JVM run without any logging environment variable.
 */
class TerminalNoiseTest {
    @TempDir
    Path dir;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(TerminalNoiseTest.class.getResource(name).toURI());
    }

    @Test
    void everyHelpAndAVisionEvalWriteNothingToStandardError() throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                NoiseProbe.class.getName(), "eval", "--arch", "resnet20",
                "--model", resource("/checkpoints/resnet20-12fca82f.th").toString(),
                "--images", resource("/data/cifar10/test_batch.bin").toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child finishes");
        String stdout = Files.readString(out);
        assertEquals("", Files.readString(err), "standard error");
        assertEquals(0, p.exitValue(), stdout);
        assertTrue(stdout.contains("Usage: prune4j train"), "the help was printed");
        assertTrue(stdout.contains("accuracy 91.00% (182/200)"), stdout);
    }
}
