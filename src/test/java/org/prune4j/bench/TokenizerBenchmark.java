package org.prune4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.prune4j.internal.tokenizer.Llama2cTokenizer;

/**
 * Encoding/decoding throughput of {@link Llama2cTokenizer} on the bundled TinyStories text (~800 KB), for
 * the 512-token and the 32000-token vocabularies. Not a test; run after {@code ./mvnw test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) org.prune4j.bench.TokenizerBenchmark [text-file]
 * </pre>
 *
 * ({@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt} writes {@code cp.txt}.) Prints
 * the median of 7 timed runs after 3 warm-up runs, for the whole text in one call and for the text in
 * 2000-character pieces.
 */
public final class TokenizerBenchmark {
    private static final int WARMUP = 3;
    private static final int RUNS = 7;

    private TokenizerBenchmark() {}

    public static void main(String[] args) throws IOException {
        String text = args.length > 0 ? Files.readString(Path.of(args[0]))
                : resourceText("/org/prune4j/data/tinystories/tinystories_validation_head.txt");
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        String[] pieces = splitEvery(text, 2000);
        System.out.printf("text: %,d bytes, %,d chars; JVM %s, %d cpus%n", bytes, text.length(),
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (String[] vocab : new String[][] {
                {"tok512.bin", "/org/prune4j/models/stories260K/tok512.bin"},
                {"tokenizer.bin", "/tokenizer.bin"}}) {
            long t0 = System.nanoTime();
            Llama2cTokenizer tok = Llama2cTokenizer.load(resourcePath(vocab[1]));
            double loadMs = (System.nanoTime() - t0) / 1e6;
            int[] ids = tok.encode(text, true, false);
            double encodeS = median(() -> tok.encode(text, true, false));
            double chunkedS = median(() -> {
                for (String p : pieces) {
                    tok.encode(p, true, false);
                }
            });
            double decodeS = median(() -> tok.decode(ids));
            if (!tok.decode(ids).equals(text)) {
                throw new IllegalStateException("round trip failed for " + vocab[0]);
            }
            System.out.printf("%-14s vocab %5d  load %6.1f ms  tokens %,9d  encode whole %6.1f ms = %,11.0f tokens/s"
                            + " (%5.1f MB/s)  encode 2000-char pieces %6.1f ms = %,11.0f tokens/s  decode %5.1f ms"
                            + " = %,11.0f tokens/s%n",
                    vocab[0], tok.vocabSize(), loadMs, ids.length, encodeS * 1e3, ids.length / encodeS,
                    bytes / encodeS / 1e6, chunkedS * 1e3, ids.length / chunkedS, decodeS * 1e3, ids.length / decodeS);
        }
    }

    private static double median(Runnable work) {
        for (int i = 0; i < WARMUP; i++) {
            work.run();
        }
        double[] seconds = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            work.run();
            seconds[i] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[RUNS / 2];
    }

    private static String[] splitEvery(String text, int n) {
        String[] out = new String[(text.length() + n - 1) / n];
        for (int i = 0; i < out.length; i++) {
            out[i] = text.substring(i * n, Math.min(text.length(), (i + 1) * n));
        }
        return out;
    }

    private static String resourceText(String name) throws IOException {
        try (InputStream in = TokenizerBenchmark.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource not on the classpath: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path resourcePath(String name) {
        try {
            var url = TokenizerBenchmark.class.getResource(name);
            if (url == null) {
                throw new IllegalStateException("resource not on the classpath: " + name
                        + " (put target/classes and target/test-classes on the classpath)");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
