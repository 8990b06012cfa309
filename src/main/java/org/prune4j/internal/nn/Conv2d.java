package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
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
        ConvKernels.mode(); // the once-per-process kernel self-check, outside any gradient recording
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

    /**
     * Applies the convolution; the result lives in {@code x}'s manager.
     *
     * <p>Where {@link ConvKernels#mode()} found the engine's kernels exact (its self-check), this is the engine's
     * convolution. Otherwise (the exact fallback): the bundled engine's oneDNN kernels computed wrong results on
     * one x86 host (AVX-512 Zen in a Firecracker VM) for channel counts that structural pruning leaves. Forward: a k×k convolution with more
     * than 16 input channels and not a multiple of 16 returns wrong sums; zero channels up to the next multiple
     * of {@value #CHANNEL_BLOCK} give the exact result, so such inputs are padded. Backward: input gradients
     * came out wrong or NaN (uninitialised memory) for most counts that are not multiples of 32, and padding
     * did not cure it in whole training steps (the crash inside libtorch_cpu during fine-tuning was this).
     * So whenever a gradient is needed (the weight or the input requires one), the convolution is computed
     * without oneDNN, as a matrix product of the weight with the unfolded input (the k·k shifted views of
     * the padded input), which autograd differentiates with ordinary kernels. {@code Conv2dChannelBlockTest}
     * checks both paths against independent references.
     */
    public NDArray forward(NDArray x) {
        NDArray w = weight.value();
        NDArray b = bias == null ? null : bias.value();
        NDArray y;
        boolean exactFallback = ConvKernels.mode() == ConvKernels.Mode.EXACT_FALLBACK;
        if (!exactFallback) {
            y = x.getNDArrayInternal().convolution(x, w, b, new Shape(stride, stride), new Shape(padding, padding),
                    new Shape(1, 1), groups).singletonOrThrow();
        } else if (groups == 1 && (w.hasGradient() || x.hasGradient())) {
            y = unfolded(x, w, b);
        } else {
            long cin = w.getShape().get(1);
            long[] k = kernelSize();
            NDArray in = x;
            if (groups == 1 && cin > CHANNEL_BLOCK && cin % CHANNEL_BLOCK != 0 && k[0] * k[1] > 1) {
                long extra = CHANNEL_BLOCK - cin % CHANNEL_BLOCK;
                in = zeroChannels(x, 1, extra);
                NDArray wInScope = x.getManager().zeros(w.getShape(), w.getDataType()).add(w);
                w = zeroChannels(wInScope, 1, extra);
            }
            y = in.getNDArrayInternal().convolution(in, w, b, new Shape(stride, stride), new Shape(padding, padding),
                    new Shape(1, 1), groups).singletonOrThrow();
        }
        fireHooks(x, y);
        return y;
    }

    /** The convolution as {@code weight [out, in·kh·kw] × columns [N, in·kh·kw, H'·W']}, in {@code x}'s manager. */
    private NDArray unfolded(NDArray x, NDArray w, NDArray b) {
        Shape s = x.getShape();
        long n = s.get(0);
        long[] k = kernelSize();
        NDArray xp = x;
        if (padding > 0) {
            xp = zeroBorder(zeroBorder(x, 2), 3);
        }
        long h = xp.getShape().get(2);
        long wd = xp.getShape().get(3);
        long ho = (h - k[0]) / stride + 1;
        long wo = (wd - k[1]) / stride + 1;
        NDList views = new NDList();
        for (long i = 0; i < k[0]; i++) {
            for (long j = 0; j < k[1]; j++) {
                views.add(xp.get(new NDIndex().addAllDim().addAllDim()
                        .addSliceDim(i, i + stride * (ho - 1) + 1, stride)
                        .addSliceDim(j, j + stride * (wo - 1) + 1, stride)));
            }
        }
        long cin = s.get(1);
        long cout = w.getShape().get(0);
        NDArray columns = NDArrays.stack(views, 2).reshape(n, cin * k[0] * k[1], ho * wo);
        NDArray y = w.reshape(cout, cin * k[0] * k[1]).matMul(columns).reshape(n, cout, ho, wo);
        return b == null ? y : y.add(b.reshape(1, cout, 1, 1));
    }

    /** {@code a} with {@link #padding} zeros on both sides of spatial {@code axis}. */
    private NDArray zeroBorder(NDArray a, int axis) {
        long[] dims = a.getShape().getShape().clone();
        dims[axis] = padding;
        NDArray z = a.getManager().zeros(new Shape(dims), a.getDataType());
        return NDArrays.concat(new NDList(z, a, z), axis);
    }

    /** {@code a} with {@code extra} zero channels appended along {@code axis} (or {@code a} itself when none). */
    private static NDArray zeroChannels(NDArray a, int axis, long extra) {
        if (extra == 0) {
            return a;
        }
        long[] dims = a.getShape().getShape().clone();
        dims[axis] = extra;
        return NDArrays.concat(new NDList(a, a.getManager().zeros(new Shape(dims), a.getDataType())), axis);
    }

    /** Input-channel multiple above which the engine's forward convolutions need padding; see {@link #forward}. */
    private static final long CHANNEL_BLOCK = 16;
}
