package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A learnable tensor of a module, with an optional pruning mask.
 *
 * <p>The mask has the parameter's shape and holds 1 where the weight is kept and 0 where it is pruned.
 * {@link #setMask} zeroes the pruned entries at once, so inference needs no extra multiply; training
 * code calls {@link #applyMask()} after every update so that a pruned weight stays exactly zero.
 */
public final class Parameter {
    private NDArray value;
    private NDArray mask;

    Parameter(NDArray value) {
        this.value = value;
    }

    /** The current tensor. */
    public NDArray value() {
        return value;
    }

    /**
     * Replaces the tensor (e.g. after SparseGPT updated it or structured pruning shrank it). The old
     * array is closed unless it is the same object. The mask, if any, is dropped when shapes differ and
     * re-applied otherwise.
     */
    public void setValue(NDArray newValue) {
        if (newValue == value) {
            return;
        }
        newValue.attach(value.getManager());
        NDArray old = value;
        value = newValue;
        old.close();
        if (mask != null) {
            if (!mask.getShape().equals(newValue.getShape())) {
                mask.close();
                mask = null;
            } else {
                applyMask();
            }
        }
    }

    /** The keep-mask (1 = kept, 0 = pruned), or {@code null} when the parameter is dense. */
    public NDArray mask() {
        return mask;
    }

    /** Sets the keep-mask (converted to the value's dtype) and zeroes the pruned entries. */
    public void setMask(NDArray keep) {
        if (!keep.getShape().equals(value.getShape())) {
            throw new IllegalArgumentException("mask shape " + keep.getShape() + " != parameter shape " + value.getShape());
        }
        // DJL's toType(sameType, copy=true) returns an alias on PyTorch: duplicate so the mask owns its memory.
        NDArray m = keep.getDataType() == value.getDataType() ? keep.duplicate() : keep.toType(value.getDataType(), true);
        m.attach(value.getManager());
        if (mask != null) {
            mask.close();
        }
        mask = m;
        applyMask();
    }

    /** Multiplies the value by the mask in place (no-op without a mask). */
    public void applyMask() {
        if (mask != null) {
            value.muli(mask).addi(0f); // + 0 turns the -0.0 of pruned negative weights into +0.0
        }
    }

    /** Fraction of exactly-zero entries of the value. */
    public double sparsity() {
        long n = value.size();
        if (n == 0) {
            return 0;
        }
        NDArray isZero = value.eq(0);
        NDArray asLong = isZero.toType(DataType.INT64, false);
        NDArray zeros = asLong.sum();
        try {
            return zeros.getLong() / (double) n;
        } finally {
            zeros.close();
            asLong.close();
            isZero.close();
        }
    }

    /** Number of elements. */
    public long numel() {
        return value.size();
    }
}
