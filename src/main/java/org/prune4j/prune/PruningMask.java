package org.prune4j.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Which entries of a {@code rows × cols} weight matrix (PyTorch {@code [out, in]} layout) a pruner
 * removed, row-major.
 *
 * <p>Note the two conventions: this record and the reference fixtures store {@code true}/1 =
 * <em>pruned</em>; {@link org.prune4j.nn.Parameter#setMask} takes a <em>keep</em>-mask (1 = kept), which
 * {@link #keepMask(NDManager)} produces.
 *
 * @param rows output features
 * @param cols input features
 * @param pruned {@code rows * cols} flags, {@code pruned[r * cols + c]}; owned by the record (not copied)
 */
public record PruningMask(int rows, int cols, boolean[] pruned) {
    public PruningMask {
        if ((long) rows * cols != pruned.length) {
            throw new IllegalArgumentException("mask of " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " flags, got " + pruned.length);
        }
    }

    /** True when entry {@code (r, c)} is pruned. */
    public boolean isPruned(int r, int c) {
        return pruned[r * cols + c];
    }

    /** Number of pruned entries. */
    public long prunedCount() {
        long n = 0;
        for (boolean p : pruned) {
            if (p) {
                n++;
            }
        }
        return n;
    }

    /** Fraction of pruned entries. */
    public double sparsity() {
        return pruned.length == 0 ? 0 : prunedCount() / (double) pruned.length;
    }

    /** Zeroes the pruned entries of a row-major {@code rows × cols} array in place. */
    public void applyTo(float[] weight) {
        if (weight.length != pruned.length) {
            throw new IllegalArgumentException("weight has " + weight.length + " entries, mask " + pruned.length);
        }
        for (int i = 0; i < pruned.length; i++) {
            if (pruned[i]) {
                weight[i] = 0f;
            }
        }
    }

    /** The mask as bytes, 1 = pruned (the fixtures' convention). */
    public byte[] prunedBytes() {
        byte[] b = new byte[pruned.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (pruned[i] ? 1 : 0);
        }
        return b;
    }

    /** A {@code [rows, cols]} uint8 keep-mask (1 = kept, 0 = pruned) for {@link org.prune4j.nn.Parameter#setMask}. */
    public NDArray keepMask(NDManager manager) {
        NDArray keep = manager.zeros(new Shape(rows, cols), DataType.UINT8);
        if (pruned.length > 0) {
            ByteBuffer b = keep.toByteBuffer(true);
            byte[] chunk = new byte[Math.min(pruned.length, 1 << 16)];
            for (int off = 0; off < pruned.length; off += chunk.length) {
                int n = Math.min(chunk.length, pruned.length - off);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) (pruned[off + i] ? 0 : 1);
                }
                b.put(off, chunk, 0, n);
            }
        }
        return keep;
    }

    /** A mask from bytes with 1 = pruned (any non-zero counts as pruned). */
    public static PruningMask fromPrunedBytes(int rows, int cols, byte[] prunedBytes) {
        boolean[] p = new boolean[prunedBytes.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = prunedBytes[i] != 0;
        }
        return new PruningMask(rows, cols, p);
    }
}
