package org.prune4j.internal.prune;

import ai.djl.ndarray.NDArray;

/**
 * What a data-aware pruning method accumulates about the input of one Linear layer while calibration
 * activations flow through it (fed by a forward hook): Wanda's per-feature norms, SparseGPT's Hessian,
 * or whatever a new method needs. Linears that read the same activation share one instance.
 */
public interface InputStatistics extends AutoCloseable {
    /** Adds one hook input {@code [B, T, in]} (or {@code [T, in]}). */
    void add(NDArray input);

    /** Frees native memory held by the statistics. */
    @Override
    void close();
}
