package org.prune4j.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast merge against the literal run.c loop ({@link RunCReferenceEncoder}) on random vocabularies
 * built to stress the merge order: scores drawn from a handful of values (many ties, {@code -0.0} next to
 * {@code 0.0}, NaN, values at and below run.c's {@code -1e10} floor), overlapping pieces, multi-byte
 * characters, and pieces missing so that byte fallback and merges of byte tokens occur.
 */
class Llama2cTokenizerDifferentialTest {
    private static final String[] ALPHABET = {"a", "b", "c", " ", "é", "\n", "😀"};
    private static final float[] SCORES = {-3f, -2f, -1f, -0.0f, 0.0f, 1f, 2f, Float.NaN, -1e10f, -2e10f, -9.9e9f};

    @TempDir
    Path dir;

    @Test
    void fastMergeEqualsRunCsLoopOnRandomTieHeavyVocabularies() {
        Random rnd = new Random(20240611L);
        int compared = 0;
        for (int round = 0; round < 150; round++) {
            int v = round;
            List<byte[]> pieces = Llama2cTokenizerFileWriter.basePieces();
            Set<String> extra = new LinkedHashSet<>();
            extra.add(" "); // the dummy prefix; run.c has no defined behaviour without it
            int wanted = 5 + rnd.nextInt(60);
            while (extra.size() < wanted) {
                extra.add(randomText(rnd, 1 + rnd.nextInt(4)));
            }
            for (String s : extra) {
                pieces.add(s.getBytes(StandardCharsets.UTF_8));
            }
            if (rnd.nextInt(4) == 0) {
                pieces.add("<0x61>".getBytes(StandardCharsets.UTF_8).clone()); // a duplicate string (never looked up here): loading must cope
            }
            float[] scores = new float[pieces.size()];
            for (int i = 3; i < scores.length; i++) {
                scores[i] = i < 259 && rnd.nextBoolean() ? 0f : SCORES[rnd.nextInt(SCORES.length)];
            }
            int maxLen = pieces.stream().mapToInt(p -> p.length).max().orElseThrow();
            Path file = Llama2cTokenizerFileWriter.write(dir.resolve("v" + v + ".bin"), maxLen, pieces, scores);
            Llama2cTokenizer fast = Llama2cTokenizer.load(file, pieces.size());
            // Also each merge strategy alone: heap for every segment, and run.c's loop for every segment.
            Llama2cTokenizer heapOnly = Llama2cTokenizer.load(file, pieces.size(), 0);
            Llama2cTokenizer scanOnly = Llama2cTokenizer.load(file, pieces.size(), Integer.MAX_VALUE);
            RunCReferenceEncoder slow = new RunCReferenceEncoder(pieces.toArray(new byte[0][]), scores);
            for (int t = 0; t < 40; t++) {
                String text = randomText(rnd, rnd.nextInt(t < 30 ? 60 : 400));
                boolean bos = rnd.nextBoolean();
                boolean eos = rnd.nextBoolean();
                int[] expected = slow.encode(text, bos, eos);
                for (Llama2cTokenizer tok : List.of(fast, heapOnly, scanOnly)) {
                    assertArrayEquals(expected, tok.encode(text, bos, eos),
                            () -> "vocab " + v + " text \"" + text + "\" pieces " + describe(pieces, scores));
                }
                assertEquals(text, fast.decode(fast.encode(text, true, false)));
                compared++;
            }
        }
        assertEquals(150 * 40, compared);
    }

    /** Equal scores everywhere: only the leftmost-first rule decides, e.g. "aaaa" → "aa" "aa", not "a" "aa" "a". */
    @Test
    void tiesGoToTheLeftmostPair() {
        List<byte[]> pieces = Llama2cTokenizerFileWriter.basePieces();
        for (String s : List.of(" ", "a", "aa", "aaa", " a")) {
            pieces.add(s.getBytes(StandardCharsets.UTF_8));
        }
        float[] scores = new float[pieces.size()];
        Arrays.fill(scores, 259, scores.length, 5f);
        Path file = Llama2cTokenizerFileWriter.write(dir.resolve("ties.bin"), 6, pieces, scores);
        Llama2cTokenizer tok = Llama2cTokenizer.load(file);
        RunCReferenceEncoder slow = new RunCReferenceEncoder(pieces.toArray(new byte[0][]), scores);
        for (String text : List.of("aaaa", "aaaaa", "a aaa", "aaaaaaaaa")) {
            assertArrayEquals(slow.encode(text, false, false), tok.encode(text, false, false), text);
        }
        // " aaaa": " a" (pos 0) beats "aa" (pos 1..3), then "aa" at pos 2 beats pos 3, then "aa"+"a" = "aaa".
        assertArrayEquals(new int[] {263, 262}, tok.encode("aaaa", false, false));
    }

    private static String randomText(Random rnd, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    private static String describe(List<byte[]> pieces, float[] scores) {
        List<String> out = new ArrayList<>();
        for (int i = 259; i < pieces.size(); i++) {
            out.add('"' + new String(pieces.get(i), StandardCharsets.UTF_8) + "\"=" + scores[i]);
        }
        return out.toString();
    }
}
