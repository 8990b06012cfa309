package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;

/**
 * The result of a forward pass with token reduction.
 *
 * @param logits {@code [N, classes]}
 * @param tokensIn tokens per image entering the attention of each encoder layer
 * @param tokensAfterReduction tokens per image entering the feed-forward part of each encoder layer
 */
public record TokenTrace(NDArray logits, int[] tokensIn, int[] tokensAfterReduction) {
    public TokenTrace {
        tokensIn = tokensIn.clone();
        tokensAfterReduction = tokensAfterReduction.clone();
    }

    @Override
    public int[] tokensIn() {
        return tokensIn.clone();
    }

    @Override
    public int[] tokensAfterReduction() {
        return tokensAfterReduction.clone();
    }
}
