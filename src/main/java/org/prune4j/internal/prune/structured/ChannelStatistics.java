package org.prune4j.internal.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.prune4j.internal.nn.ForwardHook;
import org.prune4j.internal.nn.Module;

/**
 * Per-input-channel statistics of one Linear layer over the calibration samples (one sample = one
 * sequence of tokens), updated sample by sample as FLAP's {@code BiasGPT.add_batch} and Wanda's
 * {@code WrappedGPT.add_batch} do with batch 1, accumulated in float64:
 * <pre>
 *   mean      ← mean·k/(k+1) + mean_t(x)/(k+1)                       (k = samples seen before)
 *   squares   ← squares·k/(k+1) + Σ_t x²/(k+1)                       (= Σ over all tokens of x² / N)
 *   fluc      ← 0 for the first sample, else fluc·(k−1)/k + Σ_t (x − mean)²/(k+1)
 * </pre>
 * FLAP quirk, reproduced: its update of {@code fluc} multiplies {@code (x − new mean)} by
 * {@code (x − old mean)}, but the "old" mean is the same tensor updated in place, so both factors use the
 * new mean; and the first sample adds nothing to {@code fluc} although it counts in the mean.
 */
final class ChannelStatistics implements ForwardHook {
    private final int channels;
    private final boolean fluctuation;
    private final double[] mean;
    private final double[] squares;
    private final double[] fluc;
    private long samples;

    /** Statistics of a layer with {@code channels} inputs; {@code fluctuation}: also FLAP's {@code fluc_inp}. */
    ChannelStatistics(int channels, boolean fluctuation) {
        this.channels = channels;
        this.fluctuation = fluctuation;
        this.mean = new double[channels];
        this.squares = new double[channels];
        this.fluc = new double[channels];
    }

    @Override
    public void onForward(Module module, NDArray input, NDArray output) {
        long rows = input.getShape().get(0);
        for (int b = 0; b < rows; b++) {
            NDArray x = input.get(b); // [T, C]
            addSample(x);
            x.close();
        }
    }

    private void addSample(NDArray x) {
        long tokens = x.getShape().get(0);
        double k = samples;
        float[] sum = x.sum(new int[] {0}).toFloatArray();
        float[] sq = x.square().sum(new int[] {0}).toFloatArray();
        for (int j = 0; j < channels; j++) {
            mean[j] = mean[j] * k / (k + 1) + (sum[j] / (double) tokens) / (k + 1);
            squares[j] = squares[j] * k / (k + 1) + sq[j] / (k + 1);
        }
        if (fluctuation) {
            if (samples == 0) {
                java.util.Arrays.fill(fluc, 0);
            } else {
                float[] mu = new float[channels];
                for (int j = 0; j < channels; j++) {
                    mu[j] = (float) mean[j];
                }
                NDArray m = x.getManager().create(mu).toType(DataType.FLOAT32, false);
                float[] dev = x.sub(m).square().sum(new int[] {0}).toFloatArray();
                m.close();
                for (int j = 0; j < channels; j++) {
                    fluc[j] = fluc[j] * (k - 1) / k + dev[j] / (k + 1);
                }
            }
        }
        samples++;
    }

    /** Calibration samples seen. */
    long samples() {
        return samples;
    }

    /** Mean input per channel (FLAP's {@code baseline_inp}). */
    double[] mean() {
        return mean.clone();
    }

    /** Σ over all tokens of x² / samples (Wanda's {@code scaler_row}, FLAP's {@code scaler_inp}). */
    double[] squares() {
        return squares.clone();
    }

    /** FLAP's {@code fluc_inp}. */
    double[] fluctuation() {
        return fluc.clone();
    }
}
