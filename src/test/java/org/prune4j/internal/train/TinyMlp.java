package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/** Test network: an MLP of nn.Linear layers with ReLU, initialised from a seed (Kaiming-uniform-like). */
public final class TinyMlp extends Module implements Network {
    private final Linear[] layers;
    private final long inputs;

    /** {@code sizes[0]} inputs, then one Linear per following size. */
    public TinyMlp(NDManager manager, long seed, int... sizes) {
        this.inputs = sizes[0];
        Random rng = new Random(seed);
        layers = new Linear[sizes.length - 1];
        for (int i = 0; i + 1 < sizes.length; i++) {
            int in = sizes[i];
            int out = sizes[i + 1];
            float bound = (float) (1 / Math.sqrt(in));
            float[] w = new float[in * out];
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) ((rng.nextDouble() * 2 - 1) * bound * Math.sqrt(3));
            }
            float[] b = new float[out];
            for (int j = 0; j < out; j++) {
                b[j] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            layers[i] = registerChild("fc" + (i + 1),
                    new Linear(manager.create(w, new Shape(out, in)), manager.create(b, new Shape(out))));
        }
    }

    public Linear layer(int i) {
        return layers[i];
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public NDArray forward(NDArray input) {
        NDArray x = input.reshape(input.getShape().get(0), inputs);
        for (int i = 0; i < layers.length; i++) {
            x = layers[i].forward(x);
            if (i + 1 < layers.length) {
                x = x.getNDArrayInternal().relu();
            }
        }
        return x;
    }
}
