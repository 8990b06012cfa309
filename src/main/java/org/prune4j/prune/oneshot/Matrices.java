package org.prune4j.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

    /** A new {@code [rows, cols]} float32 array in {@code manager} (torch-allocated, freed on close). */
    static NDArray toNDArray(NDManager manager, float[] values, int rows, int cols) {
        NDArray a = manager.zeros(new Shape(rows, cols), DataType.FLOAT32);
        if (values.length > 0) {
            a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, values);
        }
        return a;
    }

    static void checkSize(float[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols != a.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " matrix needs " + (long) rows * cols
                    + " values, got " + a.length);
        }
    }
}
