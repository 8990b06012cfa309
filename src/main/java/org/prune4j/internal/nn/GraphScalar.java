package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;

/**
 * A scalar operand that the autograd graph may keep.
 *
 * <p>DJL's number overloads ({@code x.div(2f)}, {@code x.mul(0.5)}) turn the number into a 0-d tensor
 * over a Java direct buffer (PyTorch {@code from_blob}: the tensor does not own its memory), apply the
 * operation and close that tensor at once. PyTorch's graph still points at the buffer whenever the
 * backward formula needs the operand (division, multiplication), so after a garbage collection the
 * gradient reads freed memory: wrong and different from run to run. The tensors made here are copied
 * into memory that PyTorch owns and reference-counts, so the graph keeps them alive however early the
 * Java handle is closed. Use them for every scalar operand of a differentiable operation whose
 * gradient depends on it.
 */
public final class GraphScalar {
    private GraphScalar() {}

    /**
     * A 0-d tensor holding {@code value} in the dtype and manager of {@code like}, in engine-owned
     * memory. Rounding is that of {@code like}'s dtype, as in DJL's own number overloads.
     */
    public static NDArray of(NDArray like, double value) {
        NDArray javaBacked = like.getManager().create(value);
        NDArray typed = javaBacked.toType(like.getDataType(), false);
        NDArray owned = typed.duplicate();
        typed.close();
        javaBacked.close();
        return owned;
    }
}
