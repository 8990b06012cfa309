package org.prune4j.internal.prune.structured;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.nn.Linear;

/** Per-input-column statistics of a Linear's weight {@code [out, in]}, in float64. */
final class ColumnStatistics {
    private ColumnStatistics() {}

    /** {@code Σ_i W_ij²} per column {@code j}. */
    static double[] sumOfSquares(Linear l) {
        NDArray s = l.weight().value().square().sum(new int[] {0});
        double[] out = toDoubles(s.toFloatArray());
        s.close();
        return out;
    }

    /** {@code mean_i |W_ij|} per column {@code j}. */
    static double[] meanAbs(Linear l) {
        NDArray s = l.weight().value().abs().mean(new int[] {0});
        double[] out = toDoubles(s.toFloatArray());
        s.close();
        return out;
    }

    /** {@code W[:, removed] · x̄[removed]}: the removed columns' mean contribution to each output. */
    static float[] removedContribution(Linear l, boolean[] removed, double[] mean) {
        int out = Math.toIntExact(l.outFeatures());
        int in = Math.toIntExact(l.inFeatures());
        float[] w = l.weight().value().toFloatArray();
        float[] bias = new float[out];
        for (int i = 0; i < out; i++) {
            double s = 0;
            for (int j = 0; j < in; j++) {
                if (removed[j]) {
                    s += w[i * in + j] * mean[j];
                }
            }
            bias[i] = (float) s;
        }
        return bias;
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
