package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Mean softmax cross-entropy of logits against integer labels. */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** {@code mean(-log softmax(logits)[label])}; a scalar in the logits' manager. */
    public static NDArray mean(NDArray logits, NDArray labels) {
        NDArray idx = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        NDArray logp = logits.logSoftmax(1);
        return logp.get(new NDIndex().addAllDim().addPickDim(idx)).mean().neg();
    }
}
