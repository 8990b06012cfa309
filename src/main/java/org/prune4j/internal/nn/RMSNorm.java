package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/** Root-mean-square normalisation: {@code x / sqrt(mean(x²) + eps) · g}, over the last axis. */
public final class RMSNorm extends Module {
    private final Parameter weight;
    private final float eps;

    public RMSNorm(NDArray weight, float eps) {
        this.weight = registerParameter("weight", weight);
        this.eps = eps;
    }

    public Parameter weight() {
        return weight;
    }

    public float eps() {
        return eps;
    }

    public NDArray forward(NDArray x) {
        NDArray ms = x.square().mean(new int[] {-1}, true);
        NDArray y = x.div(ms.addi(eps).sqrt()).muli(weight.value());
        fireHooks(x, y);
        return y;
    }
}
