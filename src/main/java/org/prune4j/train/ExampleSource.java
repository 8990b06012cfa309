package org.prune4j.train;

import ai.djl.ndarray.NDManager;

/**
 * Labelled examples addressable by index, as the trainer consumes them. Dataset readers adapt to this
 * view; the trainer chooses the order (seeded shuffling) and the batch composition.
 */
public interface ExampleSource {
    /** Number of examples. */
    int size();

    /** Shape of one input without the batch axis. */
    long[] exampleShape();

    /** Number of classes. */
    int numClasses();

    /** The examples at {@code indices}, in that order, created in {@code manager}. */
    Batch batch(NDManager manager, int[] indices);
}
