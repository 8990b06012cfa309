package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/**
 * Called after a module's forward pass with the module, its input and its output.
 *
 * <p>The arrays belong to the caller's scope and are closed when it ends: a hook that keeps data must
 * reduce or copy it (for example, accumulate {@code input.square().sum(...)} into its own array).
 */
@FunctionalInterface
public interface ForwardHook {
    void onForward(Module module, NDArray input, NDArray output);
}
