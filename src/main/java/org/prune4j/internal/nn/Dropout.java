package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/**
 * Dropout: in training mode zeroes each element with probability {@code rate} and scales the rest by
 * {@code 1/(1-rate)}; in evaluation mode the identity. The random mask comes from the engine's generator,
 * so seed it with {@code ai.djl.engine.Engine.getInstance().setRandomSeed(seed)} for reproducible runs.
 */
public final class Dropout extends Module {
    private final float rate;

    public Dropout(float rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    public float rate() {
        return rate;
    }

    public NDArray forward(NDArray x) {
        NDArray y = isTraining() && rate > 0 ? ai.djl.nn.norm.Dropout.dropout(x, rate, true).singletonOrThrow() : x;
        fireHooks(x, y);
        return y;
    }
}
