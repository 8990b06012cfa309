package org.prune4j.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately literal, slow re-statement of llama2.c {@code run.c}'s {@code encode()} (quadratic merge
 * loop: rescan all pairs, strict {@code >} against a best score starting at {@code -1e10f}, shift the
 * array after each merge), used as the oracle for {@link Llama2cTokenizer}'s fast merge.
 */
final class RunCReferenceEncoder {
    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> lookup = new HashMap<>();

    RunCReferenceEncoder(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        for (int i = 0; i < pieces.length; i++) {
            lookup.putIfAbsent(latin1(pieces[i]), i);
        }
    }

    static RunCReferenceEncoder of(Llama2cTokenizer tokenizer) {
        int n = tokenizer.vocabSize();
        byte[][] pieces = new byte[n][];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            pieces[i] = tokenizer.piece(i);
            scores[i] = tokenizer.score(i);
        }
        return new RunCReferenceEncoder(pieces, scores);
    }

    int[] encode(String text, boolean bos, boolean eos) {
        return encode(text.getBytes(StandardCharsets.UTF_8), bos, eos);
    }

    int[] encode(byte[] text, boolean bos, boolean eos) {
        List<Integer> tokens = new ArrayList<>();
        if (bos) {
            tokens.add(1);
        }
        if (text.length > 0) {
            tokens.add(strLookup(new byte[] {' '}, 1));
        }
        byte[] buffer = new byte[8];
        int strLen = 0;
        for (int c = 0; c < text.length; c++) {
            if ((text[c] & 0xC0) != 0x80) {
                strLen = 0;
            }
            buffer[strLen++] = text[c];
            boolean nextIsContinuation = c + 1 < text.length && (text[c + 1] & 0xC0) == 0x80;
            if (nextIsContinuation && strLen < 4) {
                continue;
            }
            int id = strLookup(buffer, strLen);
            if (id != -1) {
                tokens.add(id);
            } else {
                for (int i = 0; i < strLen; i++) {
                    tokens.add((buffer[i] & 0xFF) + 3);
                }
            }
            strLen = 0;
        }
        while (true) {
            float bestScore = -1e10f;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 0; i < tokens.size() - 1; i++) {
                byte[] a = pieces[tokens.get(i)];
                byte[] b = pieces[tokens.get(i + 1)];
                byte[] both = new byte[a.length + b.length];
                System.arraycopy(a, 0, both, 0, a.length);
                System.arraycopy(b, 0, both, a.length, b.length);
                int id = strLookup(both, both.length);
                if (id != -1 && scores[id] > bestScore) {
                    bestScore = scores[id];
                    bestId = id;
                    bestIdx = i;
                }
            }
            if (bestIdx == -1) {
                break;
            }
            tokens.set(bestIdx, bestId);
            tokens.remove(bestIdx + 1);
        }
        if (eos) {
            tokens.add(2);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private int strLookup(byte[] bytes, int length) {
        Integer id = lookup.get(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
        return id == null ? -1 : id;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
