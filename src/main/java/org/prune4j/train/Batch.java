package org.prune4j.train;

import ai.djl.ndarray.NDArray;

/**
 * A mini-batch: inputs {@code [n, ...exampleShape]} (float32) and integer class labels {@code [n]}.
 * Both arrays belong to the manager the batch was created in.
 */
public record Batch(NDArray inputs, NDArray labels) {
    /** Number of examples. */
    public long size() {
        return labels.getShape().get(0);
    }
}
