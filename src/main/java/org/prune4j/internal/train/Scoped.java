package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Moves a temporary created from a long-lived array into a step's scope, so closing the scope frees it. */
final class Scoped {
    private Scoped() {}

    static NDArray of(NDManager scope, NDArray temporary) {
        temporary.attach(scope);
        return temporary;
    }
}
