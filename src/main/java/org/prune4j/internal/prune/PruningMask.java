package org.prune4j.internal.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Which entries of a {@code rows × cols} weight matrix (PyTorch {@code [out, in]} layout) a pruner
 * removed, row-major. The one mask type of prune4j: one-shot LLM pruning and pruning during training
 * both produce it; a tensor of more dimensions (a conv kernel {@code [out, in, kh, kw]}) is viewed as
 * {@code [out, in·kh·kw]}, as PyTorch's pruning utilities do.
 *
 * <p>Note the two conventions: this record and the reference fixtures store {@code true}/1 =
 * <em>pruned</em>; {@link org.prune4j.internal.nn.Parameter#setMask} takes a <em>keep</em>-mask (1 = kept), which
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

    /** A {@code [rows, cols]} uint8 keep-mask (1 = kept, 0 = pruned) for {@link org.prune4j.internal.nn.Parameter#setMask}. */
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

    /** Nothing pruned, for a tensor of {@code shape}. */
    public static PruningMask none(long[] shape) {
        int[] rc = rowsCols(shape);
        return new PruningMask(rc[0], rc[1], new boolean[rc[0] * rc[1]]);
    }

    /** A mask from a keep-mask over a tensor of {@code shape} (0 = pruned, anything else kept). */
    public static PruningMask fromKeep(long[] shape, float[] keep) {
        int[] rc = rowsCols(shape);
        if ((long) rc[0] * rc[1] != keep.length) {
            throw new IllegalArgumentException("keep-mask of " + keep.length + " entries for shape "
                    + java.util.Arrays.toString(shape));
        }
        boolean[] p = new boolean[keep.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = keep[i] == 0f;
        }
        return new PruningMask(rc[0], rc[1], p);
    }

    /** The mask a parameter carries now (nothing pruned when it has none). */
    public static PruningMask of(org.prune4j.internal.nn.Parameter p) {
        long[] shape = p.value().getShape().getShape();
        return p.mask() == null ? none(shape) : fromKeep(shape, p.mask().toFloatArray());
    }

    /** The keep-mask as floats (1 = kept, 0 = pruned), row-major. */
    public float[] keepFloats() {
        float[] keep = new float[pruned.length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = pruned[i] ? 0f : 1f;
        }
        return keep;
    }

    /** Number of entries. */
    public int size() {
        return pruned.length;
    }

    /**
     * Sets this mask on {@code p} (whose value has {@code rows · cols} entries, in any shape): the pruned
     * entries become zero and stay zero through {@link org.prune4j.internal.nn.Parameter#setValue} and training.
     */
    public void applyTo(org.prune4j.internal.nn.Parameter p) {
        if (p.numel() != pruned.length) {
            throw new IllegalArgumentException("mask of " + pruned.length + " entries for a parameter of " + p.numel());
        }
        try (NDManager scope = p.value().getManager().newSubManager()) {
            NDArray keep = keepMask(scope);
            p.setMask(keep.reshape(p.value().getShape()));
        }
    }

    /** {@code [shape[0], product of the rest]} (a vector is one row). */
    private static int[] rowsCols(long[] shape) {
        long numel = 1;
        for (long d : shape) {
            numel = Math.multiplyExact(numel, d);
        }
        long rows = shape.length < 2 ? 1 : shape[0];
        long cols = rows == 0 ? 0 : numel / rows;
        return new int[] {Math.toIntExact(rows), Math.toIntExact(cols)};
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
