package org.prune4j.internal.io.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The llama.cpp build bundled in java-llama.cpp ({@code de.kherud:llama} 4.1.0, test scope), run in a child
 * JVM with a timeout (native llama.cpp can hang on close, and a crash must not take the test JVM down).
 * The child is {@code LlamaCppProbe.java} (a test resource, launched as a single-file source program on
 * this JDK, which needs the Foreign Function API of JDK 22+): it loads a GGUF file with llama.cpp's C API
 * and reports greedy tokens, next-token log-likelihoods or tokenizations computed by llama.cpp itself.
 */
final class LlamaCpp {
    private static final String NATIVE = "/de/kherud/llama/Linux/x86_64/libjllama.so";
    private static final long TIMEOUT_SECONDS = 300;

    private final Path work;
    private final Path library;
    private final Path probe;

    private LlamaCpp(Path work, Path library, Path probe) {
        this.work = work;
        this.library = library;
        this.probe = probe;
    }

    /** Prepares the native library and the probe in {@code work}; skips the test off Linux x86-64 or below JDK 22. */
    static LlamaCpp in(Path work) throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "java-llama.cpp's bundled natives are used on Linux x86-64");
        Assumptions.assumeTrue(Runtime.version().feature() >= 22, "the llama.cpp probe needs the Foreign Function API (JDK 22+)");
        Path lib = work.resolve("libjllama.so");
        Path probe = work.resolve("LlamaCppProbe.java");
        copy(NATIVE, lib);
        copy("/org/prune4j/io/gguf/LlamaCppProbe.java", probe);
        return new LlamaCpp(work, lib, probe);
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = LlamaCpp.class.getResourceAsStream(resource)) {
            if (in == null) {
                fail("missing test resource " + resource);
            }
            Files.copy(in, target);
        }
    }

    /** llama.cpp's greedy continuation of BOS, {@code n} tokens. */
    int[] greedy(Path gguf, int n) throws IOException, InterruptedException {
        return ids(run(gguf, "generate", Integer.toString(n)));
    }

    /** llama.cpp's tokenization of {@code text} with BOS. */
    int[] tokenize(Path gguf, String text) throws IOException, InterruptedException {
        return ids(run(gguf, "tokenize", text));
    }

    /** Perplexity llama.cpp assigns to {@code rows} (each row scored on its own, as prune4j's {@code Perplexity} does). */
    double perplexity(Path gguf, int[][] rows) throws IOException, InterruptedException {
        Path file = Files.createTempFile(work, "rows", ".txt");
        List<String> lines = new ArrayList<>();
        for (int[] r : rows) {
            lines.add(String.join(" ", Arrays.stream(r).mapToObj(Integer::toString).toList()));
        }
        Files.write(file, lines);
        String[] parts = run(gguf, "nll", file.toString()).substring("nll: ".length()).trim().split(" ");
        double sum = Double.parseDouble(parts[0]);
        long count = Long.parseLong(parts[1]);
        assertEquals((long) rows.length * (rows[0].length - 1), count);
        // mean over rows of each row's mean loss equals the mean over tokens here: all rows have one length
        return Math.exp(sum / count);
    }

    private String run(Path gguf, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                probe.toString(), library.toString(), gguf.toString()));
        cmd.addAll(List.of(command));
        Path log = Files.createTempFile(work, "llama", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("llama.cpp probe timed out after " + TIMEOUT_SECONDS + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String line = text.lines().filter(l -> l.startsWith("tokens:") || l.startsWith("nll:") || l.startsWith("error:"))
                .reduce((a, b) -> b).orElse("");
        if (p.exitValue() != 0 || line.isEmpty() || line.startsWith("error:")) {
            List<String> err = Files.readAllLines(log);
            fail("llama.cpp probe failed (exit " + p.exitValue() + "): " + text + " | "
                    + String.join(" | ", err.subList(Math.max(0, err.size() - 8), err.size())));
        }
        return line;
    }

    private static int[] ids(String line) {
        String rest = line.substring("tokens:".length()).trim();
        return rest.isEmpty() ? new int[0] : Arrays.stream(rest.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
