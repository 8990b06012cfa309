package org.prune4j.internal.prune.tokens;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Comparator;
import org.prune4j.internal.model.vision.TokenState;
import org.prune4j.internal.nn.AttentionOutput;

/**
 * EViT (Liang et al., "Not All Patches are What You Need", ICLR 2022): at the chosen layers, after
 * attention, keep the {@code ⌈keep·(N−1)⌉} tokens that the class token attends to most (attention averaged
 * over heads), in descending order of that attention, behind the class token; with {@code fuse}, the
 * dropped tokens become one extra token, their sum weighted by their class attention (not normalised, as in
 * the original).
 *
 * @param keep fraction of the non-class tokens kept at each chosen layer, in (0, 1]
 * @param layers 0-based encoder layers where tokens are dropped
 * @param fuse whether the dropped tokens are fused into one extra token
 */
record AttentiveTokenKeeping(double keep, int[] layers, boolean fuse) implements AttentionTokenDropping {
    public AttentiveTokenKeeping {
        layers = layers.clone();
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public TokenState drop(TokenState tokens, AttentionOutput attention, int left) {
        int batch = tokens.batch();
        int length = tokens.length();
        int others = length - 1;
        // head-averaged attention of the class token to every other token: [N, S-1]
        NDArray clsAttention = attention.probabilities().get(":, :, 0, 1:").mean(new int[] {1});
        float[] scores = clsAttention.toFloatArray();
        int out = 1 + left + (fuse ? 1 : 0);
        TokenMixing.Builder mixing = new TokenMixing.Builder(batch, length, out);
        Integer[] order = new Integer[others];
        for (int n = 0; n < batch; n++) {
            int base = n * others;
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[base + i]).thenComparingInt(i -> i));
            mixing.add(n, 0, 0, 1f);
            for (int k = 0; k < left; k++) {
                mixing.add(n, 1 + k, 1 + order[k], 1f);
            }
            if (fuse) {
                for (int k = left; k < others; k++) {
                    mixing.add(n, 1 + left, 1 + order[k], scores[base + order[k]]);
                }
            }
        }
        return mixing.build().apply(tokens);
    }
}
