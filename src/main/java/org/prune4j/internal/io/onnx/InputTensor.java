package org.prune4j.internal.io.onnx;

/**
 * A value fed to a model input: floating inputs use {@code floats}, integer and boolean inputs
 * {@code longs} (converted to the input's element type).
 */
public record InputTensor(OnnxDataType type, long[] shape, float[] floats, long[] longs) {
    /** A float32 input. */
    public static InputTensor ofFloats(long[] shape, float[] values) {
        return new InputTensor(OnnxDataType.FLOAT, shape, values, null);
    }

    /** An integer input of the given type. */
    public static InputTensor ofLongs(OnnxDataType type, long[] shape, long[] values) {
        return new InputTensor(type, shape, null, values);
    }

    /** The number of elements. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
