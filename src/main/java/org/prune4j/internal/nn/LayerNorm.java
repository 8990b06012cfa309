package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Layer normalisation over the last axis, {@code (x - mean) / sqrt(var + eps) · weight + bias}, as PyTorch's {@code LayerNorm(dim)}. */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    /** A layer norm over {@code weight [dim]} and {@code bias [dim]}. */
    public LayerNorm(NDArray weight, NDArray bias, float eps) {
        if (weight.getShape().dimension() != 1 || !weight.getShape().equals(bias.getShape())) {
            throw new IllegalArgumentException("LayerNorm weight and bias must be equal 1-D shapes, got "
                    + weight.getShape() + " and " + bias.getShape());
        }
        this.weight = registerParameter("weight", weight);
        this.bias = registerParameter("bias", bias);
        this.eps = eps;
    }

    /** A fresh layer norm of width {@code dim}: weight 1, bias 0, eps 1e-5. */
    public static LayerNorm create(NDManager manager, long dim) {
        return new LayerNorm(manager.ones(new Shape(dim)), manager.zeros(new Shape(dim)), 1e-5f);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public float eps() {
        return eps;
    }

    /** Normalises over the last axis of {@code x [..., dim]}. */
    public NDArray forward(NDArray x) {
        NDArray y = ai.djl.nn.norm.LayerNorm.layerNorm(x, weight.value().getShape(), weight.value(), bias.value(), eps)
                .singletonOrThrow();
        fireHooks(x, y);
        return y;
    }
}
