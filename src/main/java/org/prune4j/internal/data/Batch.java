package org.prune4j.internal.data;

import ai.djl.ndarray.NDArray;

/**
 * One mini-batch: {@code images} float32 {@code [B, C, H, W]} (normalised) and {@code labels} int64 {@code
 * [B]}, both in the manager the caller gave; {@code indices} are the dataset positions of its images.
 * Closing the batch closes both arrays.
 */
public record Batch(NDArray images, NDArray labels, int[] indices) implements AutoCloseable {
    public Batch {
        indices = indices.clone();
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    /** Number of images. */
    public int size() {
        return indices.length;
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
