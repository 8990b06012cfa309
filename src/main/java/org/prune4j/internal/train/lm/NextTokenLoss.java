package org.prune4j.internal.train.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * The language-modelling loss: the mean cross-entropy of every position's prediction of the next token,
 * over all rows and positions {@code 0..T-2} of a {@code [B, T]} window (the evaluation protocol's loss).
 */
public final class NextTokenLoss {
    private NextTokenLoss() {}

    /**
     * {@code mean_{b, t < T-1} −log softmax(logits[b, t])[ids[b, t+1]]}: logits {@code [B, T, V]}, ids
     * {@code [B, T]} (integers); a scalar in the logits' manager, differentiable.
     */
    public static NDArray mean(NDArray logits, NDArray ids) {
        long t = logits.getShape().get(1);
        long v = logits.getShape().get(2);
        if (t < 2) {
            throw new IllegalArgumentException("a window needs at least 2 tokens, got " + t);
        }
        NDArray predictions = logits.get(new NDIndex(":, :-1, :")).reshape(-1, v);
        NDArray targets = ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).reshape(-1);
        NDArray logp = predictions.logSoftmax(1);
        return logp.get(new NDIndex().addAllDim().addPickDim(targets)).mean().neg();
    }
}
