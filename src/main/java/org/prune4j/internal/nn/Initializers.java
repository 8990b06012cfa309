package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Seeded weight initialisations, drawn on the host from a {@link Random} so that the same seed gives the
 * same weights on every engine and machine. Fan-in/fan-out follow PyTorch: for a weight {@code [out, in,
 * k...]}, fan-in = {@code in·∏k}, fan-out = {@code out·∏k}.
 */
public final class Initializers {
    private Initializers() {}

    /** Fan-in of a weight shape {@code [out, in, k...]} (or {@code [out, in]}). */
    public static long fanIn(Shape shape) {
        return shape.size() / shape.get(0);
    }

    /** Fan-out of a weight shape {@code [out, in, k...]}. */
    public static long fanOut(Shape shape) {
        return shape.size() / shape.get(1);
    }

    /** He et al. 2015 normal: {@code N(0, 2/fan_in)} (PyTorch {@code kaiming_normal_}, ReLU gain, fan-in mode). */
    public static NDArray kaimingNormal(NDManager manager, Shape shape, Random rng) {
        return normal(manager, shape, Math.sqrt(2.0 / fanIn(shape)), rng);
    }

    /** Glorot &amp; Bengio 2010 normal: {@code N(0, 2/(fan_in+fan_out))} (PyTorch {@code xavier_normal_}). */
    public static NDArray glorotNormal(NDManager manager, Shape shape, Random rng) {
        return normal(manager, shape, Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), rng);
    }

    /** Glorot uniform: {@code U(-a, a)}, {@code a = sqrt(6/(fan_in+fan_out))} (PyTorch {@code xavier_uniform_}). */
    public static NDArray glorotUniform(NDManager manager, Shape shape, Random rng) {
        return uniform(manager, shape, Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))), rng);
    }

    /**
     * PyTorch's default for {@code nn.Linear}/{@code nn.Conv2d} weights and biases: {@code U(-1/sqrt(fan_in),
     * 1/sqrt(fan_in))} (what {@code kaiming_uniform_(a=sqrt(5))} reduces to), for the given fan-in.
     */
    public static NDArray torchDefault(NDManager manager, Shape shape, long fanIn, Random rng) {
        return uniform(manager, shape, 1.0 / Math.sqrt(fanIn), rng);
    }

    /** {@code N(0, std²)} truncated to {@code [-2, 2]} (absolute, as PyTorch's {@code trunc_normal_}). */
    public static NDArray truncatedNormal(NDManager manager, Shape shape, double std, Random rng) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = rng.nextGaussian() * std;
            } while (x < -2 || x > 2);
            v[i] = (float) x;
        }
        return manager.create(v, shape);
    }

    /** {@code N(0, std²)}. */
    public static NDArray normal(NDManager manager, Shape shape, double std, Random rng) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return manager.create(v, shape);
    }

    /** {@code U(-bound, bound)}. */
    public static NDArray uniform(NDManager manager, Shape shape, double bound, Random rng) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(v, shape);
    }

    /** A tensor filled with {@code value}. */
    public static NDArray constant(NDManager manager, Shape shape, float value) {
        return manager.full(shape, value);
    }
}
