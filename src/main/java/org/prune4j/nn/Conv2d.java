package org.prune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
        NDArray in = x;
        NDArray w = weight.value();
        long cin = w.getShape().get(1);
        long[] k = kernelSize();
        if (groups == 1 && cin > CHANNEL_BLOCK && cin % CHANNEL_BLOCK != 0 && k[0] * k[1] > 1) {
            // The bundled engine's oneDNN kernels return wrong sums on some x86 CPUs (measured: AVX-512 Zen in a
            // Firecracker VM) when a k×k convolution has more than 16 input channels and not a multiple of 16,
            // as structural pruning leaves them. Zero channels up to the next multiple of 16 give the exact result.
            long extra = CHANNEL_BLOCK - cin % CHANNEL_BLOCK;
            Shape xs = x.getShape();
            NDArray zx = x.getManager().zeros(new Shape(xs.get(0), extra, xs.get(2), xs.get(3)), x.getDataType());
            in = NDArrays.concat(new NDList(x, zx), 1);
            NDArray zw = x.getManager().zeros(new Shape(w.getShape().get(0), extra, k[0], k[1]), w.getDataType());
            NDArray wInScope = x.getManager().zeros(w.getShape(), w.getDataType()).add(w);
            w = NDArrays.concat(new NDList(wInScope, zw), 1);
        }
        NDArray y = in.getNDArrayInternal().convolution(in, w, bias == null ? null : bias.value(),
                new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups).singletonOrThrow();
        fireHooks(x, y);
        return y;
    }

    /** Input-channel multiple below which (or at which) the engine's convolutions are exact; see {@link #forward}. */
    private static final long CHANNEL_BLOCK = 16;
}
