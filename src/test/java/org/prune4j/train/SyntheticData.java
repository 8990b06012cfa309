package org.prune4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/** Test data: Gaussian clusters around random class centres, fully determined by the seed. */
public final class SyntheticData implements ExampleSource {
    private final float[][] x;
    private final int[] y;
    private final int classes;

    public SyntheticData(int n, int dims, int classes, long seed, double noise) {
        Random rng = new Random(seed);
        Random centreRng = new Random(12345);
        float[][] centres = new float[classes][dims];
        for (float[] c : centres) {
            for (int d = 0; d < dims; d++) {
                c[d] = (float) centreRng.nextGaussian();
            }
        }
        this.classes = classes;
        x = new float[n][dims];
        y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
            for (int d = 0; d < dims; d++) {
                x[i][d] = (float) (centres[y[i]][d] + noise * rng.nextGaussian());
            }
        }
    }

    @Override
    public int size() {
        return y.length;
    }

    @Override
    public long[] exampleShape() {
        return new long[] {x[0].length};
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public Batch batch(NDManager manager, int[] indices) {
        int dims = x[0].length;
        float[] flat = new float[indices.length * dims];
        long[] labels = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(x[indices[i]], 0, flat, i * dims, dims);
            labels[i] = y[indices[i]];
        }
        return new Batch(manager.create(flat, new Shape(indices.length, dims)), manager.create(labels));
    }

    @Override
    public String toString() {
        return "SyntheticData" + Arrays.toString(new int[] {y.length, x[0].length, classes});
    }
}
