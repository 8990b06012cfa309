package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;

/** Conversions between 2-D NDArrays and row-major float arrays. */
final class Matrices {
    private Matrices() {
    }

    /** {@code [rows, cols]} of a 2-D array; IllegalArgumentException otherwise. */
    static int[] rowsCols(NDArray a) {
        Shape s = a.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("expected a 2-D weight [out, in], got " + s);
        }
        return new int[] {Math.toIntExact(s.get(0)), Math.toIntExact(s.get(1))};
    }

    /**
     * The values as float32 in row-major order of {@code a}'s logical shape (a copy; works for
     * non-contiguous views such as a transpose). Reads through a direct view of a contiguous native
     * array, so no intermediate heap byte array is made.
     */
    static float[] toFloats(NDArray a) {
        float[] out = new float[Math.toIntExact(a.size())];
        if (out.length == 0) {
            return out;
        }
        try (NDArray f = a.getDataType() == DataType.FLOAT32 ? null : a.toType(DataType.FLOAT32, false);
                NDArray flat = (f == null ? a : f).reshape(-1)) {
            // reshape(-1) is a view of a contiguous array and a contiguous copy of anything else
            flat.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(0, out);
        }
        return out;
    }

    /**
     * The transpose of a 2-D array as a row-major {@code [cols][rows]} float32 Java array, read in row
     * tiles from a direct view (no full-size intermediate copy for a contiguous float32 input).
     */
    static float[] toFloatsTransposed(NDArray a) {
        int[] rc = rowsCols(a);
        int rows = rc[0];
        int cols = rc[1];
        float[] t = new float[rows * cols];
        if (t.length == 0) {
            return t;
        }
        try (NDArray f = a.getDataType() == DataType.FLOAT32 ? null : a.toType(DataType.FLOAT32, false);
                NDArray flat = (f == null ? a : f).reshape(-1)) {
            java.nio.FloatBuffer fb = flat.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            int tileRows = Math.max(1, Math.min(rows, (1 << 20) / cols));
            float[] tile = new float[tileRows * cols];
            for (int r0 = 0; r0 < rows; r0 += tileRows) {
                int r1 = Math.min(rows, r0 + tileRows);
                fb.get(r0 * cols, tile, 0, (r1 - r0) * cols);
                for (int c = 0; c < cols; c++) {
                    int dst = c * rows;
                    for (int r = r0; r < r1; r++) {
                        t[dst + r] = tile[(r - r0) * cols + c];
                    }
                }
            }
        }
        return t;
    }

    static void checkSize(float[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols != a.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " matrix needs " + (long) rows * cols
                    + " values, got " + a.length);
        }
    }
}
