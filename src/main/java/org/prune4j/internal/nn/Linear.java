package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x Wᵀ + b} with the weight in PyTorch's {@code [out_features, in_features]} layout.
 * Hooks see the input {@code x} of shape {@code [..., in]} and the output {@code [..., out]}.
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    /** A linear layer over {@code weight [out, in]} and an optional {@code bias [out]} (may be null). */
    public Linear(NDArray weight, NDArray bias) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("Linear weight must be 2-D, got " + weight.getShape());
        }
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or {@code null}. */
    public Parameter bias() {
        return bias;
    }

    public long inFeatures() {
        return weight.value().getShape().get(1);
    }

    public long outFeatures() {
        return weight.value().getShape().get(0);
    }

    /** Applies the layer; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        NDArray y = ai.djl.nn.core.Linear.linear(x, weight.value(), bias == null ? null : bias.value()).singletonOrThrow();
        fireHooks(x, y);
        return y;
    }
}
