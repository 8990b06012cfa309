package org.prune4j.internal.prune.tokens;

import java.util.Arrays;
import java.util.Comparator;

/**
 * ToMe's bipartite soft matching (Bolya et al., ICLR 2023) for one image: the tokens are split
 * alternately into a set A (even positions) and a set B (odd positions); every A token finds its most
 * similar B token by the cosine similarity of its metric (the keys averaged over heads); the {@code r} A
 * tokens with the most similar partners are merged into them. The class token (position 0, in A) is never
 * merged. Ties are broken towards the lower index.
 *
 * <p>After merging, the tokens are ordered as the unmerged A tokens followed by every B token in order; the
 * unmerged A tokens are in descending order of their best similarity, or ascending position order when a
 * class token is protected (it then stays first).
 */
final class BipartiteSoftMatching {
    private BipartiteSoftMatching() {}

    /**
     * The matching of one image.
     *
     * @param unmerged indices into set A of the tokens kept as they are, in output order
     * @param sources indices into set A of the merged tokens
     * @param destinations for each source, the index into set B of the token it is merged into
     */
    public record Matching(int[] unmerged, int[] sources, int[] destinations) {
        public Matching {
            unmerged = unmerged.clone();
            sources = sources.clone();
            destinations = destinations.clone();
        }

        @Override
        public int[] unmerged() {
            return unmerged.clone();
        }

        @Override
        public int[] sources() {
            return sources.clone();
        }

        @Override
        public int[] destinations() {
            return destinations.clone();
        }

        /** Tokens merged away. */
        public int merged() {
            return sources.length;
        }
    }

    /** The largest {@code r} that can be merged among {@code tokens} tokens (at most half of the unprotected ones). */
    public static int maxMerged(int tokens, boolean classToken) {
        return (tokens - (classToken ? 1 : 0)) / 2;
    }

    /**
     * Matches the {@code tokens} tokens of one image.
     *
     * @param metric row-major {@code [tokens][channels]}
     * @param r tokens to merge; lowered to {@link #maxMerged} when larger
     * @param classToken whether token 0 is a class token that must not be merged
     */
    public static Matching match(float[] metric, int tokens, int channels, int r, boolean classToken) {
        if (metric.length != (long) tokens * channels) {
            throw new IllegalArgumentException("metric has " + metric.length + " values for " + tokens + "x" + channels);
        }
        int merge = Math.min(r, maxMerged(tokens, classToken));
        int sizeA = (tokens + 1) / 2;
        int sizeB = tokens / 2;
        if (merge <= 0) {
            int[] all = new int[sizeA];
            Arrays.setAll(all, i -> i);
            return new Matching(all, new int[0], new int[0]);
        }
        float[] unit = normalisedRows(metric, tokens, channels);
        float[] best = new float[sizeA];
        int[] bestIndex = new int[sizeA];
        for (int i = 0; i < sizeA; i++) {
            float max = Float.NEGATIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < sizeB; j++) {
                float s = (classToken && i == 0) ? Float.NEGATIVE_INFINITY : dot(unit, 2 * i, 2 * j + 1, channels);
                if (s > max) {
                    max = s;
                    arg = j;
                }
            }
            best[i] = max;
            bestIndex[i] = arg;
        }
        Integer[] order = new Integer[sizeA];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -best[i]).thenComparingInt(i -> i));
        int[] sources = new int[merge];
        int[] destinations = new int[merge];
        for (int k = 0; k < merge; k++) {
            sources[k] = order[k];
            destinations[k] = bestIndex[order[k]];
        }
        int[] unmerged = new int[sizeA - merge];
        for (int k = merge; k < sizeA; k++) {
            unmerged[k - merge] = order[k];
        }
        if (classToken) {
            Arrays.sort(unmerged);
        }
        return new Matching(unmerged, sources, destinations);
    }

    private static float[] normalisedRows(float[] metric, int tokens, int channels) {
        float[] unit = new float[metric.length];
        for (int t = 0; t < tokens; t++) {
            double sq = 0;
            for (int c = 0; c < channels; c++) {
                float v = metric[t * channels + c];
                sq += (double) v * v;
            }
            float norm = (float) Math.sqrt(sq);
            for (int c = 0; c < channels; c++) {
                unit[t * channels + c] = metric[t * channels + c] / norm;
            }
        }
        return unit;
    }

    private static float dot(float[] unit, int a, int b, int channels) {
        float s = 0;
        for (int c = 0; c < channels; c++) {
            s += unit[a * channels + c] * unit[b * channels + c];
        }
        return s;
    }
}
