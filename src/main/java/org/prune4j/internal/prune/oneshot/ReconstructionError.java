package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The relative output error of a pruned Linear layer on calibration inputs,
 * {@code ‖(W − W') Xᵀ‖_F / ‖W Xᵀ‖_F}, computed in float64 (as the reference fixtures are).
 */
final class ReconstructionError {
    /** Input rows per matmul, to bound temporary memory. */
    private static final int CHUNK = 4096;

    private ReconstructionError() {
    }

    /**
     * @param weight the dense {@code [out, in]} weight
     * @param pruned the pruned (and possibly updated) weight, same shape
     * @param inputs {@code [N, in]} (or {@code [B, T, in]}) calibration inputs
     */
    public static double relative(NDArray weight, NDArray pruned, NDArray inputs) {
        long in = weight.getShape().get(1);
        if (!weight.getShape().equals(pruned.getShape())) {
            throw new IllegalArgumentException("shapes differ: " + weight.getShape() + " vs " + pruned.getShape());
        }
        try (NDManager scope = weight.getManager().newSubManager()) {
            NDArray w = weight.toType(DataType.FLOAT64, true);
            w.attach(scope);
            NDArray p = pruned.toType(DataType.FLOAT64, true);
            p.attach(scope);
            NDArray d = w.sub(p);
            NDArray x = inputs.reshape(-1, in);
            x.attach(scope);
            long n = x.getShape().get(0);
            double num = 0;
            double den = 0;
            for (long r0 = 0; r0 < n; r0 += CHUNK) {
                long r1 = Math.min(n, r0 + CHUNK);
                try (NDManager c = scope.newSubManager()) {
                    NDArray xc = x.get(new NDIndex(r0 + ":" + r1)).toType(DataType.FLOAT64, true);
                    xc.attach(c);
                    NDArray xt = xc.transpose();
                    xt.attach(c);
                    NDArray e = d.matMul(xt);
                    e.attach(c);
                    NDArray y = w.matMul(xt);
                    y.attach(c);
                    num += e.square().sum().getDouble();
                    den += y.square().sum().getDouble();
                }
            }
            return Math.sqrt(num) / Math.sqrt(den);
        }
    }

    /** The same on row-major arrays: {@code weight, pruned: out × in}, {@code inputs: n × in}. */
    public static double relative(float[] weight, float[] pruned, int out, int in, float[] inputs) {
        if (inputs.length % in != 0) {
            throw new IllegalArgumentException(inputs.length + " input values are not whole rows of " + in);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            return relative(m.create(weight, new Shape(out, in)), m.create(pruned, new Shape(out, in)),
                    m.create(inputs, new Shape(inputs.length / in, in)));
        }
    }
}
