package org.prune4j.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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

    /** The values as float32, row-major (a copy). */
    static float[] toFloats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    static void checkSize(float[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols != a.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " matrix needs " + (long) rows * cols
                    + " values, got " + a.length);
        }
    }
}
