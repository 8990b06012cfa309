package org.prune4j.internal.prune.allocation;

import java.util.function.Supplier;

/**
 * A prunable tensor as a sparsity allocation sees it.
 *
 * @param name canonical parameter name, e.g. {@code model.layers.3.mlp.up_proj.weight}
 * @param group the unit that shares one sparsity in group-wise allocations (the decoder block index for
 *     OWL; the tensor's own index where every tensor is its own group)
 * @param shape the tensor's shape ({@code [out, in]} for Linear, {@code [out, in, kh, kw]} for Conv)
 * @param scores importance scores in the tensor's row-major order, computed on demand (|W| for
 *     magnitude, the Wanda metric for OWL, ...); allocations that only need shapes never call it, and
 *     allocations over many tensors should stream rather than hold every array at once
 */
public record PrunableTensor(String name, int group, long[] shape, Supplier<float[]> scores) {
    public PrunableTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
