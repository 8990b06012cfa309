package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;

/**
 * Stateless tensor functions of the layer set (as {@code torch.nn.functional}): activations, flattening,
 * pooling, loss. Results live in the input's manager and support autograd; none works in place.
 */
public final class Functional {
    private Functional() {}

    /** {@code max(x, 0)}. */
    public static NDArray relu(NDArray x) {
        return Activation.relu(x);
    }

    /** Exact GELU, {@code x·Φ(x)} (PyTorch's default, not the tanh approximation). */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** Flattens all axes from {@code startAxis} on: {@code [N, C, H, W]} with 1 → {@code [N, C·H·W]}. */
    public static NDArray flatten(NDArray x, int startAxis) {
        Shape s = x.getShape();
        long[] dims = new long[startAxis + 1];
        for (int i = 0; i < startAxis; i++) {
            dims[i] = s.get(i);
        }
        dims[startAxis] = -1;
        return x.reshape(new Shape(dims));
    }

    /** 2-D max pooling over {@code [N, C, H, W]}. */
    public static NDArray maxPool2d(NDArray x, int kernel, int stride, int padding) {
        return Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding),
                false);
    }

    /** 2-D average pooling over {@code [N, C, H, W]}; padding counts as zeros (PyTorch's default). */
    public static NDArray avgPool2d(NDArray x, int kernel, int stride, int padding) {
        return Pool.avgPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding),
                false, true);
    }

    /** Mean over the spatial axes: {@code [N, C, H, W]} → {@code [N, C]}. */
    public static NDArray globalAvgPool2d(NDArray x) {
        Shape s = x.getShape();
        return Pool.globalAvgPool2d(x).reshape(s.get(0), s.get(1));
    }

    /**
     * Mean cross-entropy of {@code logits [N, K]} against integer class {@code labels [N]} (any integer
     * type), computed stably with log-softmax. A scalar.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        NDArray idx = labels.toType(DataType.INT64, false).reshape(-1, 1);
        NDArray picked = logp.gather(idx, 1);
        return picked.mean().neg();
    }
}
