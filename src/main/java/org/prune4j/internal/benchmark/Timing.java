package org.prune4j.internal.benchmark;

import java.util.Arrays;

/**
 * Repeated measurements of one rate (tokens or images per second), summarized by their median and
 * spread.
 *
 * @param samples the measured values, in run order
 */
public record Timing(double[] samples) {
    public Timing {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        samples = samples.clone();
    }

    @Override
    public double[] samples() {
        return samples.clone();
    }

    public double median() {
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public double min() {
        return Arrays.stream(samples).min().orElseThrow();
    }

    public double max() {
        return Arrays.stream(samples).max().orElseThrow();
    }

    /** {@code (max - min) / median}: how far apart the runs were, relative to the median. */
    public double relativeSpread() {
        double m = median();
        return m == 0 ? 0 : (max() - min()) / m;
    }
}
