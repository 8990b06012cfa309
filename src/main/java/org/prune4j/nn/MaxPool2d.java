package org.prune4j.nn;

import ai.djl.ndarray.NDArray;

/** 2-D max pooling over {@code [N, C, H, W]} (no parameters; a module so that hooks can see its output). */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("bad MaxPool2d kernel " + kernel + ", stride " + stride + ", padding " + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public NDArray forward(NDArray x) {
        NDArray y = Functional.maxPool2d(x, kernel, stride, padding);
        fireHooks(x, y);
        return y;
    }
}
