package org.prune4j.internal.prune.tokens;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Comparator;
import org.prune4j.internal.model.vision.TokenState;
import org.prune4j.internal.nn.AttentionOutput;

/**
 * Zero-TPrune-style pruning (Wang et al., CVPR 2024, its importance stage): a token is important when
 * important tokens attend to it. Starting from uniform importance, {@code s_j ← Σ_i A_ij · s_i} is iterated
 * on the layer's attention matrix {@code A} (averaged over heads; rows sum to 1, so the total importance
 * stays 1), a weighted PageRank; at the chosen layers the {@code ⌈keep·(N−1)⌉} most important non-class
 * tokens are kept in their original order behind the class token.
 *
 * @param keep fraction of the non-class tokens kept at each chosen layer, in (0, 1]
 * @param layers 0-based encoder layers where tokens are dropped
 * @param iterations PageRank iterations
 */
record AttentionGraphPruning(double keep, int[] layers, int iterations) implements AttentionTokenDropping {
    public AttentionGraphPruning {
        layers = layers.clone();
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    /** Importance of each of the {@code length} tokens of one image from its head-averaged attention {@code [length][length]}. */
    static double[] importance(float[] attention, int offset, int length, int iterations) {
        double[] s = new double[length];
        Arrays.fill(s, 1.0 / length);
        double[] next = new double[length];
        for (int it = 0; it < iterations; it++) {
            Arrays.fill(next, 0);
            for (int i = 0; i < length; i++) {
                double si = s[i];
                int row = offset + i * length;
                for (int j = 0; j < length; j++) {
                    next[j] += attention[row + j] * si;
                }
            }
            double[] t = s;
            s = next;
            next = t;
        }
        return s;
    }

    @Override
    public TokenState drop(TokenState tokens, AttentionOutput attention, int left) {
        int batch = tokens.batch();
        int length = tokens.length();
        int others = length - 1;
        float[] a = attention.probabilities().mean(new int[] {1}).toFloatArray(); // [N, S, S]
        TokenMixing.Builder mixing = new TokenMixing.Builder(batch, length, 1 + left);
        Integer[] order = new Integer[others];
        for (int n = 0; n < batch; n++) {
            double[] s = importance(a, n * length * length, length, iterations);
            Arrays.setAll(order, i -> i + 1);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
            int[] keptTokens = new int[left];
            for (int k = 0; k < left; k++) {
                keptTokens[k] = order[k];
            }
            Arrays.sort(keptTokens);
            mixing.add(n, 0, 0, 1f);
            for (int k = 0; k < left; k++) {
                mixing.add(n, 1 + k, keptTokens[k], 1f);
            }
        }
        return mixing.build().apply(tokens);
    }
}
