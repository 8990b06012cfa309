package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Wanda's per-input-feature activation statistic {@code scaler_row} for one Linear layer, accumulated
 * call by call from forward-hook inputs exactly like wanda's {@code WrappedGPT.add_batch}.
 *
 * <p>For an input of shape {@code [B, T, in]} (or {@code [T, in]}, counted as {@code B = 1}), the
 * update in float32 is {@code s *= n / (n + B); n += B; s[j] += Σ_tokens x[t, j]² / n}. The net effect
 * is {@code s[j] = Σ_tokens x_tj² / n_sequences}: {@code n} counts <em>sequences</em> (the batch
 * dimension), not tokens, so feeding 16 sequences one by one or as 4 batches of 4 gives the same result.
 * The scale does not change any mask.
 *
 * <p>Thread-safe; the input is read, never kept.
 */
public final class WandaStatistics implements org.prune4j.internal.prune.InputStatistics {
    private final int inFeatures;
    private final float[] scalerRow;
    private long samples;

    /** Empty statistics for a layer with {@code inFeatures} inputs. */
    public WandaStatistics(int inFeatures) {
        if (inFeatures <= 0) {
            throw new IllegalArgumentException("inFeatures must be positive: " + inFeatures);
        }
        this.inFeatures = inFeatures;
        this.scalerRow = new float[inFeatures];
    }

    /** Adds one hook input of shape {@code [B, T, in]} or {@code [T, in]} (any float dtype). */
    public void add(NDArray input) {
        int b = HessianStatistics.batchSize(input, inFeatures);
        float[] sq;
        try (NDArray f = input.getDataType() == DataType.FLOAT32 ? null : input.toType(DataType.FLOAT32, true)) {
            NDArray x = f == null ? input : f;
            try (NDArray x2 = x.reshape(-1, inFeatures)) {
                // token chunks bound the temporary of the squares
                long tokens = x2.getShape().get(0);
                long chunk = Math.max(1, (16L << 20) / inFeatures);
                sq = new float[inFeatures];
                for (long t0 = 0; t0 < tokens; t0 += chunk) {
                    long t1 = Math.min(tokens, t0 + chunk);
                    try (NDArray part = x2.get(new NDIndex(t0 + ":" + t1));
                            NDArray squares = part.square();
                            NDArray sums = squares.sum(new int[] {0})) {
                        float[] s = sums.toFloatArray();
                        for (int j = 0; j < inFeatures; j++) {
                            sq[j] += s[j];
                        }
                    }
                }
            }
        }
        synchronized (this) {
            float decay = (float) ((double) samples / (samples + b));
            samples += b;
            float n = samples;
            for (int j = 0; j < inFeatures; j++) {
                scalerRow[j] = scalerRow[j] * decay + sq[j] / n;
            }
        }
    }

    /** Number of input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Number of samples (sequences) seen so far. */
    public synchronized long samples() {
        return samples;
    }

    /** A copy of {@code scaler_row}. */
    public synchronized float[] scalerRow() {
        return scalerRow.clone();
    }

    /** Plain Java arrays: nothing native to free. */
    @Override
    public void close() {
        // nothing to release
    }
}
