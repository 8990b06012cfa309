package org.prune4j.internal.train;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A stateful optimiser that honours pruning masks: the gradient, the optimiser state and the updated
 * value of every masked entry are multiplied by the keep-mask, so a pruned weight stays exactly zero
 * and no momentum or moment estimate can bring it back.
 */
public interface Optimizer extends AutoCloseable {
    /**
     * Applies one update with learning rate {@code lr} to every tensor; temporaries go into {@code scope}
     * (closed by the caller after the step).
     */
    void step(List<GradientUpdate> updates, double lr, NDManager scope);

    /** Frees the optimiser state. */
    @Override
    void close();
}
