package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.prune4j.internal.prune.InputStatistics;

/**
 * The per-input-feature statistics DSnoT reads about one Linear layer, accumulated sequence by
 * sequence as zyxxmu/DSnoT's {@code WrappedGPT.add_batch} does when each calibration sequence is one
 * call (float32 throughout). For the {@code T × in} input {@code X} of one sequence, in this order:
 * <pre>
 *   v = var(X[:, j]) (population)        V = v if no token was seen, else (V·N + v·T) / (N + T);  N += T
 *   S *= n/(n+1);  μ *= n/(n+1);  n += 1; S += ‖X[:, j]‖² / n;  μ += Σ_t X[t, j] / n
 * </pre>
 * so {@code S = Σ x²/n} (Wanda's {@code scaler_row}), {@code μ = Σ x/n} (DSnoT's
 * {@code sum_metric_row}: a sum over tokens divided by the number of sequences, not a mean) and
 * {@code V} the average of the per-sequence variances. An input {@code [B, T, in]} counts as {@code B}
 * sequences, added one after the other.
 *
 * <p>Thread-safe; inputs are read, never kept.
 */
public final class DsnotStatistics implements InputStatistics {
    private final int inFeatures;
    private final float[] scalerRow;
    private final float[] sumMetricRow;
    private final float[] variance;
    private long samples;
    private long tokens;

    /** Empty statistics for a layer with {@code inFeatures} inputs. */
    public DsnotStatistics(int inFeatures) {
        if (inFeatures <= 0) {
            throw new IllegalArgumentException("inFeatures must be positive: " + inFeatures);
        }
        this.inFeatures = inFeatures;
        this.scalerRow = new float[inFeatures];
        this.sumMetricRow = new float[inFeatures];
        this.variance = new float[inFeatures];
    }

    /** Plain Java arrays: nothing native to free. */
    @Override
    public void close() {}

    /** Adds one hook input {@code [B, T, in]} or {@code [T, in]} (any float dtype) as {@code B} sequences. */
    @Override
    public void add(NDArray input) {
        long[] shape = input.getShape().getShape();
        if (shape[shape.length - 1] != inFeatures || shape.length < 2 || shape.length > 3) {
            throw new IllegalArgumentException("expected [B, T, " + inFeatures + "] or [T, " + inFeatures + "], got "
                    + input.getShape());
        }
        int sequences = shape.length == 3 ? Math.toIntExact(shape[0]) : 1;
        int t = Math.toIntExact(shape[shape.length - 2]);
        float[] all;
        try (NDArray f = input.getDataType() == DataType.FLOAT32 ? null : input.toType(DataType.FLOAT32, true)) {
            all = (f == null ? input : f).toFloatArray();
        }
        for (int b = 0; b < sequences; b++) {
            addSequence(all, b * t * inFeatures, t);
        }
    }

    /** Adds one sequence: {@code t} rows of {@code inFeatures} values starting at {@code offset}. */
    public synchronized void addSequence(float[] x, int offset, int t) {
        float[] v = new float[inFeatures];
        float[] sqNorm = new float[inFeatures];
        float[] sum = new float[inFeatures];
        for (int j = 0; j < inFeatures; j++) {
            double s = 0;
            double s2 = 0;
            for (int r = 0; r < t; r++) {
                double val = x[offset + r * inFeatures + j];
                s += val;
                s2 += val * val;
            }
            double mean = s / t;
            double m2 = 0;
            for (int r = 0; r < t; r++) {
                double d = x[offset + r * inFeatures + j] - mean;
                m2 += d * d;
            }
            v[j] = (float) (m2 / t);
            float norm = (float) Math.sqrt(s2);
            sqNorm[j] = norm * norm;
            sum[j] = (float) s;
        }
        if (tokens == 0) {
            System.arraycopy(v, 0, variance, 0, inFeatures);
        } else {
            float n0 = tokens;
            float nt = t;
            float n1 = tokens + t;
            for (int j = 0; j < inFeatures; j++) {
                variance[j] = (variance[j] * n0 + v[j] * nt) / n1;
            }
        }
        tokens += t;
        float decay = (float) ((double) samples / (samples + 1));
        samples++;
        float n = samples;
        for (int j = 0; j < inFeatures; j++) {
            scalerRow[j] *= decay;
            sumMetricRow[j] *= decay;
        }
        for (int j = 0; j < inFeatures; j++) {
            scalerRow[j] += sqNorm[j] / n;
            sumMetricRow[j] += sum[j] / n;
        }
    }

    /** Number of input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Number of sequences seen. */
    public synchronized long samples() {
        return samples;
    }

    /** A copy of the statistics as they stand. */
    public synchronized Dsnot.Statistics snapshot() {
        return new Dsnot.Statistics(scalerRow.clone(), sumMetricRow.clone(), variance.clone());
    }
}
