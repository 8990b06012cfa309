package org.prune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * 2-D convolution over {@code [N, C_in, H, W]} with the weight in PyTorch's {@code [C_out, C_in/groups, kH,
 * kW]} layout and an optional bias {@code [C_out]}. Hooks see the input and the output {@code [N, C_out,
 * H', W']}.
 */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;
    private final int groups;

    /**
     * A convolution over {@code weight [out, in/groups, kh, kw]} and an optional {@code bias [out]} (may be
     * null), with the same stride and zero padding along both spatial axes.
     */
    public Conv2d(NDArray weight, NDArray bias, int stride, int padding, int groups) {
        Shape s = weight.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("Conv2d weight must be 4-D [out, in/groups, kh, kw], got " + s);
        }
        if (stride <= 0 || padding < 0 || groups <= 0 || s.get(0) % groups != 0) {
            throw new IllegalArgumentException("bad Conv2d: stride " + stride + ", padding " + padding + ", groups "
                    + groups + ", weight " + s);
        }
        if (bias != null && (bias.getShape().dimension() != 1 || bias.getShape().get(0) != s.get(0))) {
            throw new IllegalArgumentException("Conv2d bias must be [" + s.get(0) + "], got " + bias.getShape());
        }
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or {@code null}. */
    public Parameter bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public int groups() {
        return groups;
    }

    public long outChannels() {
        return weight.value().getShape().get(0);
    }

    public long inChannels() {
        return weight.value().getShape().get(1) * groups;
    }

    /** Kernel height and width. */
    public long[] kernelSize() {
        Shape s = weight.value().getShape();
        return new long[] {s.get(2), s.get(3)};
    }

    /** Applies the convolution; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        NDArray y = x.getNDArrayInternal().convolution(x, weight.value(), bias == null ? null : bias.value(),
                new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups).singletonOrThrow();
        fireHooks(x, y);
        return y;
    }
}
