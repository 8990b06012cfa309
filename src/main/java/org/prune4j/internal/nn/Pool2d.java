package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/**
 * 2-D pooling over {@code [N, C, H, W]} (no parameters; a module so that hooks can see its output).
 * Average pooling counts zero padding, as PyTorch does by default.
 */
final class Pool2d extends Module {
    /** Which reduction a window gets. */
    public enum Kind { MAX, AVERAGE }

    private final Kind kind;
    private final int kernel;
    private final int stride;
    private final int padding;

    public Pool2d(Kind kind, int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("bad " + kind + " pool kernel " + kernel + ", stride " + stride + ", padding " + padding);
        }
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public Kind kind() {
        return kind;
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
        NDArray y = kind == Kind.MAX ? Functional.maxPool2d(x, kernel, stride, padding)
                : Functional.avgPool2d(x, kernel, stride, padding);
        fireHooks(x, y);
        return y;
    }
}
