package org.prune4j.internal.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keeps the given indices of one axis of a tensor: a new contiguous float32 array in the tensor's manager.
 * The copy is made on the Java side because the engine's advanced indexing along a later axis returns a
 * permuted memory layout that DJL's host transfers read in storage order.
 */
final class AxisSelection {
    private AxisSelection() {}

    static NDArray keep(NDArray x, int axis, int[] keep) {
        Shape s = x.getShape();
        float[] v = (x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false)).toFloatArray();
        long outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= s.get(a);
        }
        long n = s.get(axis);
        long inner = s.size() / outer / n;
        float[] out = new float[Math.toIntExact(outer * keep.length * inner)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (int idx : keep) {
                System.arraycopy(v, (int) ((o * n + idx) * inner), out, k, (int) inner);
                k += (int) inner;
            }
        }
        long[] dims = s.getShape().clone();
        dims[axis] = keep.length;
        return x.getManager().create(out, new Shape(dims));
    }
}
