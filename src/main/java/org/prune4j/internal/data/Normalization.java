package org.prune4j.internal.data;

import java.util.Arrays;

/**
 * Per-channel input normalisation {@code x = (p / 255 - mean[c]) / std[c]} for 8-bit pixels {@code p}.
 *
 * @param mean per-channel mean on the [0, 1] scale
 * @param std per-channel standard deviation on the [0, 1] scale (all positive)
 */
public record Normalization(float[] mean, float[] std) {
    /** No normalisation beyond scaling to [0, 1] (one channel; {@link #forChannels} widens it). */
    public static final Normalization UNIT = new Normalization(new float[] {0f}, new float[] {1f});
    /** MNIST training-set statistics (0.1307, 0.3081). */
    public static final Normalization MNIST = new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
    /** Fashion-MNIST training-set statistics (0.2860, 0.3530). */
    public static final Normalization FASHION_MNIST =
            new Normalization(new float[] {0.2860f}, new float[] {0.3530f});
    /** CIFAR-10 training-set statistics: mean (0.4914, 0.4822, 0.4465), std (0.2470, 0.2435, 0.2616). */
    public static final Normalization CIFAR10 = new Normalization(
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    /** ImageNet statistics, used by the akamaster CIFAR-10 ResNets: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225). */
    public static final Normalization IMAGENET = new Normalization(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need the same non-zero length");
        }
        mean = mean.clone();
        std = std.clone();
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
            }
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Number of channels described. */
    public int channels() {
        return mean.length;
    }

    /**
     * This normalisation for {@code channels} channels: itself when the counts agree, a one-channel
     * normalisation repeated, or a three-channel one averaged down to one channel.
     */
    public Normalization forChannels(int channels) {
        if (channels == mean.length) {
            return this;
        }
        if (mean.length == 1) {
            float[] m = new float[channels];
            float[] s = new float[channels];
            Arrays.fill(m, mean[0]);
            Arrays.fill(s, std[0]);
            return new Normalization(m, s);
        }
        if (channels == 1) {
            float m = 0;
            float s = 0;
            for (int c = 0; c < mean.length; c++) {
                m += mean[c] / mean.length;
                s += std[c] / mean.length;
            }
            return new Normalization(new float[] {m}, new float[] {s});
        }
        throw new IllegalArgumentException("cannot use a " + mean.length + "-channel normalisation for "
                + channels + " channels");
    }

    /** A 256-entry lookup table: the normalised value of every pixel value of channel {@code c}. */
    float[] table(int c) {
        float[] t = new float[256];
        for (int p = 0; p < 256; p++) {
            t[p] = (p / 255f - mean[c]) / std[c];
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
