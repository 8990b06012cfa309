package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code kill -9} at a random moment of {@code convert} or {@code prune} leaves either the complete old
 * output or the complete new one at {@code --out}, never a half-written one (issue 14). Each command runs
 * in a child JVM that is killed with SIGKILL after a random delay drawn (seeded) from zero to the time a
 * complete run takes; hidden temporaries may remain, visible outputs must be whole (the tokenizer that a
 * llama2.c output carries beside it is written before the model, whole, by the same atomic rename).
 */
class KillNineTest {
    /** Kills per command: 2 in the normal suite, more with {@code -Dprune4j.kills=N}. */
    private static final int KILLS_PER_COMMAND = Integer.getInteger("prune4j.kills", 2);

    @TempDir
    Path dir;

    @Test
    void convertToALlama2cFileIsAllOrNothing() throws Exception {
        killAtRandom("llama2c", "convert", "--model", "stories260K", "--to", "llama2c", "--out", "OUT");
    }

    @Test
    void convertToAHuggingFaceDirectoryIsAllOrNothing() throws Exception {
        killAtRandom("hf", "convert", "--model", "stories260K", "--to", "hf", "--out", "OUT");
    }

    @Test
    void pruneIsAllOrNothing() throws Exception {
        killAtRandom("pruned.bin", "prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "0.5",
                "--out", "OUT");
    }

    private void killAtRandom(String outName, String... args) throws Exception {
        Path out = dir.resolve(outName);
        // the complete new output, and how long a child takes to write it
        long t0 = System.nanoTime();
        assertEquals(0, child(args, out).waitFor(), "a complete run succeeds");
        long fullMillis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, String> expectedNew = snapshot(out);
        Path newCopy = dir.resolve("new-" + outName);
        Files.move(out, newCopy);
        // an old output of different content in its place
        writeOld(out);
        Map<String, String> expectedOld = snapshot(out);

        Random rnd = new Random(14);
        for (int k = 0; k < KILLS_PER_COMMAND; k++) {
            Process p = child(args, out);
            long delay = (long) (rnd.nextDouble() * fullMillis);
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL on POSIX
                p.waitFor();
            }
            Map<String, String> now = snapshot(out);
            assertTrue(now.equals(expectedOld) || now.equals(expectedNew),
                    "after a kill at " + delay + " ms of " + fullMillis + " ms, " + out + " is neither the old nor the"
                            + " new output: " + now.keySet());
            visibleSiblings().forEach(name -> assertTrue(name.equals(outName) || name.startsWith("new-")
                    || name.endsWith(".json") || name.equals("tok512.bin"), "a stray visible file " + name));
            if (now.equals(expectedNew)) {
                deleteTree(out);
                writeOld(out);
            }
        }
    }

    private Process child(String[] args, Path out) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx1g");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.prune4j.internal.cli.Main");
        Arrays.stream(args).map(a -> a.equals("OUT") ? out.toString() : a).forEach(cmd::add);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TORCH_CPP_LOG_LEVEL", "ERROR");
        return pb.start();
    }

    private static void writeOld(Path out) throws IOException {
        if (out.getFileName().toString().contains(".")) {
            Files.writeString(out, "the previous output");
        } else {
            Files.createDirectories(out);
            Files.writeString(out.resolve("config.json"), "{\"previous\": true}");
        }
    }

    /** Relative path to content hash of a file or of every file in a directory; empty when absent. */
    private static Map<String, String> snapshot(Path p) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(p)) {
            return m;
        }
        if (Files.isRegularFile(p)) {
            m.put("", Arrays.toString(digest(p)));
            return m;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                m.put(p.relativize(f).toString(), Arrays.toString(digest(f)));
            }
        }
        return m;
    }

    private static byte[] digest(Path f) throws IOException {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> visibleSiblings() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
