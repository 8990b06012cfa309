package org.prune4j.internal.train;

import java.util.Random;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.data.Normalization;

/**
 * Test data: 8-bit "images" of {@code 1 × 1 × dims} pixels scattered around class centres, fully
 * determined by the seed (centres are shared by every seed, so a train and a test set agree).
 */
public final class SyntheticData {
    private SyntheticData() {}

    /** {@code n} examples of {@code dims} pixels in {@code classes} classes; noise is in pixel units. */
    public static Dataset clusters(int n, int dims, int classes, long seed, double noise) {
        Random centreRng = new Random(12345);
        double[][] centres = new double[classes][dims];
        for (double[] c : centres) {
            for (int d = 0; d < dims; d++) {
                c[d] = 128 + 60 * centreRng.nextGaussian();
            }
        }
        Random rng = new Random(seed);
        byte[] pixels = new byte[n * dims];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes);
            for (int d = 0; d < dims; d++) {
                double v = centres[labels[i]][d] + noise * rng.nextGaussian();
                pixels[i * dims + d] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        return Dataset.of("synthetic", pixels, labels, 1, 1, dims, Dataset.numberedClasses(classes),
                new Normalization(new float[] {0.5f}, new float[] {0.25f}));
    }

    /** A shuffled training loader. */
    public static DataLoader train(Dataset d, int batch, long seed) {
        return new DataLoader(d, batch, true, false, org.prune4j.internal.data.Augmentation.NONE, seed);
    }
}
