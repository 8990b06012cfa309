package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/**
 * LeNet-300-100 (LeCun et al. 1998; the MNIST network of Han et al. 2015 and Frankle &amp; Carbin 2019): a
 * fully connected 784-300-100-10 network with ReLU. Weights Gaussian Glorot, biases zero, as in the
 * lottery-ticket paper. Layers {@code fc1}, {@code fc2}, {@code fc3}.
 */
public final class LeNet300100 extends VisionModel {
    private Linear fc1;
    private Linear fc2;
    private Linear fc3;

    LeNet300100(VisionSpec spec, NDManager manager, Random rng) {
        super(spec);
        int in = spec.channels() * spec.height() * spec.width();
        fc1 = registerChild("fc1", linear(manager, 300, in, rng));
        fc2 = registerChild("fc2", linear(manager, 100, 300, rng));
        fc3 = registerChild("fc3", linear(manager, spec.numClasses(), 100, rng));
    }

    static Linear linear(NDManager manager, int out, int in, Random rng) {
        return new Linear(Initializers.glorotNormal(manager, new Shape(out, in), rng), manager.zeros(new Shape(out)));
    }

    @Override
    public NDArray forward(NDArray images) {
        checkInput(images);
        NDArray x = Functional.flatten(images, 1);
        x = Functional.relu(fc1.forward(x));
        x = Functional.relu(fc2.forward(x));
        return fc3.forward(x);
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        Linear l = requireType(Linear.class, name, replacement);
        switch (name) {
            case "fc1" -> fc1 = l;
            case "fc2" -> fc2 = l;
            default -> fc3 = l;
        }
    }
}
