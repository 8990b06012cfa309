package org.prune4j.internal.prune.tokens;

import java.util.Arrays;
import org.prune4j.internal.model.vision.TokenReduction;
import org.prune4j.internal.model.vision.TokenState;
import org.prune4j.internal.nn.AttentionOutput;

/**
 * What attention-guided token dropping (EViT's {@link AttentiveTokenKeeping}, Zero-TPrune's
 * {@link AttentionGraphPruning}) shares: tokens are dropped only at the chosen layers, which read the
 * attention probabilities; {@code ⌈keep·(N−1)⌉} non-class tokens stay; nothing happens when that is all of
 * them. Each method only says which tokens stay ({@link #drop}).
 */
sealed interface AttentionTokenDropping extends TokenReduction permits AttentiveTokenKeeping, AttentionGraphPruning {
    /** Fraction of the non-class tokens kept at each chosen layer, in (0, 1]. */
    double keep();

    /** 0-based encoder layers where tokens are dropped. */
    int[] layers();

    @Override
    default boolean proportionalAttention() {
        return false;
    }

    @Override
    default boolean readsProbabilities(int layer) {
        return Arrays.stream(layers()).anyMatch(l -> l == layer);
    }

    @Override
    default TokenState reduce(int layer, int depth, TokenState tokens, AttentionOutput attention) {
        if (!readsProbabilities(layer)) {
            return tokens;
        }
        int others = tokens.length() - 1;
        int left = kept(keep(), others);
        if (left >= others) {
            return tokens;
        }
        return drop(tokens, attention, left);
    }

    /** {@code tokens} with only the class token and {@code left} (fewer than all) of the others kept. */
    TokenState drop(TokenState tokens, AttentionOutput attention, int left);

    /** Non-class tokens kept out of {@code others}: {@code ⌈keep·others⌉}. */
    static int kept(double keep, int others) {
        return (int) Math.ceil(keep * others);
    }
}
