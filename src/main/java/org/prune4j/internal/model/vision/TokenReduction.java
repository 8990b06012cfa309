package org.prune4j.internal.model.vision;

import org.prune4j.internal.nn.AttentionOutput;

/**
 * Inference-time token reduction in a {@link VisionTransformer}: after the attention of each encoder layer
 * (and before its feed-forward part, as ToMe and EViT place it) the reduction may merge or drop tokens.
 * The class token (index 0) is never merged or dropped. Implementations live in {@code
 * org.prune4j.internal.prune.tokens}.
 */
public interface TokenReduction {
    /**
     * Whether every attention adds {@code log(size)} of each key to its logits (ToMe's proportional
     * attention), so that a merged token is attended to as often as the tokens it stands for.
     */
    boolean proportionalAttention();

    /** Whether {@link #reduce} at {@code layer} reads the attention probabilities (they cost memory). */
    boolean readsProbabilities(int layer);

    /**
     * The tokens that go on to the feed-forward part of encoder layer {@code layer}.
     *
     * @param layer 0-based encoder layer
     * @param depth number of encoder layers
     * @param tokens the layer's tokens after attention (and, for post-norm layers, after {@code norm1})
     * @param attention the layer's attention pass over its input tokens
     * @return {@code tokens} itself when nothing changes at this layer
     */
    TokenState reduce(int layer, int depth, TokenState tokens, AttentionOutput attention);
}
