package org.prune4j.internal.cli;

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
 * native engine (libtorch's deprecated-guard warning was printed by every vision eval, GraSP's double
 * back-propagation warns of a reference cycle), checked on the real standard error of a child JVM started as the
 * launcher starts it, without any logging environment variable.
 */
class TerminalNoiseTest {
    @TempDir
    Path dir;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(TerminalNoiseTest.class.getResource(name).toURI());
    }

    @Test
    void helpEvalAndGraspTrainingPrintOnlyPrune4jsOwnOutput() throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                NoiseProbe.class.getName(), "eval", "--arch", "resnet20",
                "--model", resource("/checkpoints/resnet20-12fca82f.th").toString(),
                "--images", resource("/data/cifar10/test_batch.bin").toString(), ";;",
                "train", "--model", "lenet-300-100", "--dataset", "fashion-mnist", "--data-dir",
                resource("/data/fashion-mnist/train-images-idx3-ubyte.gz").getParent().toString(), "--epochs", "1",
                "--prune", "grasp", "--sparsity", "0.5", "--score-examples", "60", "--out", dir.resolve("runs").toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child finishes");
        String stdout = Files.readString(out);
        // standard error holds the training run's own progress lines ([train-HASH] ...) and nothing else: no
        // picocli warning, no "[W... ] Warning:" line of the engine
        List<String> foreign = Files.readAllLines(err).stream().filter(l -> !l.startsWith("[train-")).toList();
        assertEquals(List.of(), foreign, "standard error");
        assertTrue(Files.readString(err).contains("pruned at initialisation with grasp"), "the GraSP run happened");
        assertEquals(0, p.exitValue(), stdout);
        assertTrue(stdout.contains("Usage: prune4j train"), "the help was printed");
        assertTrue(stdout.contains("accuracy 91.00% (182/200)"), stdout);
    }
}
