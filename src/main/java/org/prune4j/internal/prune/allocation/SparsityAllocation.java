package org.prune4j.internal.prune.allocation;

import java.util.List;
import java.util.Map;

/**
 * Decides how much of each tensor to prune so that the whole reaches a target sparsity: uniform,
 * global threshold, OWL (outlier-weighted, for LLMs), ERK and LAMP (for vision/during-training). One
 * implementation serves both the one-shot LLM path and the training path.
 */
public interface SparsityAllocation {
    /**
     * Per-tensor sparsities (fraction of each tensor's entries to prune, in [0, 1)), keyed by
     * {@link PrunableTensor#name()}, such that the parameter-weighted mean equals {@code target} as
     * closely as the allocation's rule allows.
     */
    Map<String, Double> allocate(List<PrunableTensor> tensors, double target);

    /** Short name used on the command line and in reports ({@code uniform}, {@code global}, {@code owl}, ...). */
    String name();
}
