package org.prune4j.internal.io.hf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;

/**
 * Compresses one weight matrix into the parts of a {@link SparseCompression} layout and back. Works on
 * the stored bytes, so values are carried exactly in any floating dtype; a zero of either sign counts as
 * zero (as compressed-tensors' {@code tensor != 0}), so a {@code -0.0} weight reads back as {@code 0.0}.
 */
final class BitmaskCodec {
    static final String SHAPE = "shape";
    static final String COMPRESSED = "compressed";
    static final String BITMASK = "bitmask";
    static final String ROW_OFFSETS = "row_offsets";
    /** Every part a compressed weight may have (row offsets only in {@link SparseCompression#SPARSE_BITMASK}). */
    static final java.util.List<String> PARTS = java.util.List.of(SHAPE, COMPRESSED, BITMASK, ROW_OFFSETS);
    private static final String WEIGHT_SUFFIX = ".weight";

    private BitmaskCodec() {}

    /** The prefix the parts of weight {@code name} are stored under ({@code name} without {@code .weight}). */
    static String prefix(String name) {
        return name.endsWith(WEIGHT_SUFFIX) ? name.substring(0, name.length() - WEIGHT_SUFFIX.length()) : name;
    }

    /** The weight name whose parts are stored under {@code prefix}. */
    static String weightName(String prefix) {
        return prefix + WEIGHT_SUFFIX;
    }

    /**
     * The stored parts of the matrix {@code t} (named {@code name}) in layout {@code c}, by full tensor
     * name. A {@link UserError} when {@code c} is 2:4 and {@code t} is not.
     */
    static Map<String, TensorData> compress(String name, TensorData t, SparseCompression c) {
        long[] shape = t.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(name + " is not a matrix");
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        int es = t.dtype().byteSize();
        ByteBuffer src = t.bytes().duplicate();
        boolean[] keep = c == SparseCompression.SPARSE_24_BITMASK ? keep24(name, src, rows, cols, es) : nonzero(src, rows * cols, es);
        int kept = 0;
        for (boolean k : keep) {
            kept += k ? 1 : 0;
        }
        int maskCols = (cols + 7) / 8;
        byte[] mask = new byte[rows * maskCols];
        long[] offsets = new long[rows];
        ByteBuffer values = ByteBuffer.allocate(kept * es).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        for (int r = 0; r < rows; r++) {
            offsets[r] = n;
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                if (keep[i]) {
                    mask[r * maskCols + j / 8] |= (byte) (1 << (j % 8));
                    values.put(src.slice(i * es, es));
                    n++;
                }
            }
        }
        values.flip();
        String p = prefix(name);
        Map<String, TensorData> out = new LinkedHashMap<>();
        if (c == SparseCompression.SPARSE_24_BITMASK) {
            out.put(p + "." + SHAPE, longs(new long[] {2, 1}, shape));
            out.put(p + "." + COMPRESSED, new TensorData(t.dtype(), new long[] {rows, cols / 2}, values));
            out.put(p + "." + BITMASK, TensorData.ofBytes(new long[] {rows, maskCols}, mask));
        } else {
            out.put(p + "." + SHAPE, longs(new long[] {2}, shape));
            out.put(p + "." + COMPRESSED, new TensorData(t.dtype(), new long[] {kept}, values));
            out.put(p + "." + BITMASK, TensorData.ofBytes(new long[] {rows, maskCols}, mask));
            out.put(p + "." + ROW_OFFSETS, longs(new long[] {rows}, offsets));
        }
        return out;
    }

    /** Bytes the parts of a {@code rows × cols} matrix of {@code kept} values take in layout {@code c}. */
    static long storedBytes(SparseCompression c, long rows, long cols, long kept, DType dtype) {
        long bytes = 2 * 8 + rows * ((cols + 7) / 8) + kept * dtype.byteSize();
        return c == SparseCompression.SPARSE_BITMASK ? bytes + rows * 8 : bytes;
    }

    /**
     * The dense matrix stored under {@code prefix} in layout {@code c}; {@code parts} maps part name
     * ({@value #SHAPE}, ...) to tensor, {@code origin} prefixes error messages. Every inconsistency between
     * the parts is a one-line {@link UserError}.
     */
    static TensorData decompress(String prefix, Map<String, TensorData> parts, SparseCompression c, String origin) {
        String where = origin + ": " + prefix;
        TensorData shapeT = part(parts, SHAPE, where);
        TensorData values = part(parts, COMPRESSED, where);
        TensorData bitmask = part(parts, BITMASK, where);
        TensorData offsetsT = c == SparseCompression.SPARSE_BITMASK ? part(parts, ROW_OFFSETS, where) : null;
        if (shapeT.dtype().isFloating() || shapeT.numel() != 2) {
            throw new UserError(where + "." + SHAPE + " must hold the 2 integer dimensions of a matrix, got "
                    + shapeT.dtype() + " " + Arrays.toString(shapeT.shape()));
        }
        long[] shape = shapeT.toLongs();
        if (shape[0] < 0 || shape[1] < 0 || shape[0] > Integer.MAX_VALUE || shape[1] > Integer.MAX_VALUE
                || shape[0] * shape[1] > Integer.MAX_VALUE) {
            throw new UserError(where + "." + SHAPE + " is " + Arrays.toString(shape) + ", not a matrix prune4j can hold");
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        int maskCols = (cols + 7) / 8;
        if (bitmask.dtype().byteSize() != 1 || bitmask.dtype().isFloating()
                || !Arrays.equals(bitmask.shape(), new long[] {rows, maskCols})) {
            throw new UserError(where + "." + BITMASK + " is " + bitmask.dtype() + " " + Arrays.toString(bitmask.shape())
                    + ", but shape " + Arrays.toString(shape) + " needs uint8 [" + rows + ", " + maskCols + "]");
        }
        if (!values.dtype().isFloating()) {
            throw new UserError(where + "." + COMPRESSED + " has dtype " + values.dtype() + ", expected a floating-point type");
        }
        ByteBuffer mask = bitmask.bytes();
        long kept = 0;
        long[] rowStart = new long[rows];
        for (int r = 0; r < rows; r++) {
            rowStart[r] = kept;
            for (int j = 0; j < cols; j++) {
                kept += (mask.get(r * maskCols + j / 8) >>> (j % 8)) & 1;
            }
        }
        if (kept != values.numel()) {
            throw new UserError(where + ": the bitmask marks " + kept + " values, but " + prefix + "." + COMPRESSED
                    + " holds " + values.numel());
        }
        if (c == SparseCompression.SPARSE_24_BITMASK && !Arrays.equals(values.shape(), new long[] {rows, cols / 2})) {
            throw new UserError(where + "." + COMPRESSED + " has shape " + Arrays.toString(values.shape())
                    + ", but a 2:4 matrix of shape " + Arrays.toString(shape) + " keeps [" + rows + ", " + cols / 2 + "]");
        }
        if (offsetsT != null) {
            checkRowOffsets(where, offsetsT, rowStart, kept);
        }
        int es = values.dtype().byteSize();
        ByteBuffer src = values.bytes();
        ByteBuffer dense = ByteBuffer.allocate(rows * cols * es).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                if (((mask.get(r * maskCols + j / 8) >>> (j % 8)) & 1) != 0) {
                    dense.put((r * cols + j) * es, src, n * es, es);
                    n++;
                }
            }
        }
        return new TensorData(values.dtype(), shape, dense);
    }

    private static void checkRowOffsets(String where, TensorData offsetsT, long[] rowStart, long kept) {
        if (offsetsT.dtype().isFloating() || !Arrays.equals(offsetsT.shape(), new long[] {rowStart.length})) {
            throw new UserError(where + "." + ROW_OFFSETS + " is " + offsetsT.dtype() + " " + Arrays.toString(offsetsT.shape())
                    + ", expected integers [" + rowStart.length + "]");
        }
        long[] offsets = offsetsT.toLongs();
        for (int r = 0; r < offsets.length; r++) {
            if (offsets[r] < 0 || offsets[r] > kept) {
                throw new UserError(where + "." + ROW_OFFSETS + "[" + r + "] is " + offsets[r] + ", out of range for "
                        + kept + " stored values");
            }
        }
        for (int r = 0; r < offsets.length; r++) {
            if (offsets[r] != rowStart[r]) {
                throw new UserError(where + "." + ROW_OFFSETS + "[" + r + "] is " + offsets[r] + ", but the bitmask puts row "
                        + r + " at value " + rowStart[r]);
            }
        }
    }

    private static TensorData part(Map<String, TensorData> parts, String name, String where) {
        TensorData t = parts.get(name);
        if (t == null) {
            throw new UserError(where + ": has no " + name + " tensor (a compressed weight needs it)");
        }
        return t;
    }

    private static TensorData longs(long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new TensorData(DType.I64, shape, b);
    }

    /** True for an element of {@code es} little-endian bytes that is a floating zero of either sign. */
    private static boolean isZero(ByteBuffer b, int offset, int es) {
        for (int k = 0; k < es - 1; k++) {
            if (b.get(offset + k) != 0) {
                return false;
            }
        }
        return (b.get(offset + es - 1) & 0x7f) == 0;
    }

    private static boolean[] nonzero(ByteBuffer b, int n, int es) {
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            keep[i] = !isZero(b, i * es, es);
        }
        return keep;
    }

    /**
     * The 2 positions kept in every group of 4 columns: the nonzeros, then the first zeros to make up 2.
     * A {@link UserError} naming the first group with more than 2 nonzeros.
     */
    private static boolean[] keep24(String name, ByteBuffer b, int rows, int cols, int es) {
        if (cols % 4 != 0) {
            throw new UserError(name + " has " + cols + " columns, not a multiple of 4, so it is not 2:4 sparse; "
                    + "the sparse-24 layout stores 2:4 models only");
        }
        boolean[] keep = nonzero(b, rows * cols, es);
        for (int g = 0; g < keep.length; g += 4) {
            int nz = 0;
            for (int k = 0; k < 4; k++) {
                nz += keep[g + k] ? 1 : 0;
            }
            if (nz > 2) {
                throw new UserError(name + " is not 2:4 sparse (row " + g / cols + ", columns " + g % cols + "-" + (g % cols + 3)
                        + " hold " + nz + " nonzeros); the sparse-24 layout stores 2:4 models only (prune with --sparsity 2:4)");
            }
            for (int k = 0; k < 4 && nz < 2; k++) {
                if (!keep[g + k]) {
                    keep[g + k] = true;
                    nz++;
                }
            }
        }
        return keep;
    }
}
