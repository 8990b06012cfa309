package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/**
 * LeNet-5 as the pruning literature uses it (Caffe's MNIST "lenet" model, pruned by Han et al. 2015 and
 * SNIP, 431K parameters): {@code conv1} 5×5 1→20, 2×2 max pool, {@code conv2} 5×5 20→50, 2×2 max pool,
 * {@code fc1} 800→500 with ReLU, {@code fc2} 500→10. As in Caffe's definition there is no ReLU after the
 * convolutions. Glorot-uniform weights (Caffe's "xavier" filler family), zero biases.
 */
public final class LeNet5 extends VisionModel {
    private Conv2d conv1;
    private Conv2d conv2;
    private Linear fc1;
    private Linear fc2;

    LeNet5(VisionSpec spec, NDManager manager, Random rng) {
        super(spec);
        conv1 = registerChild("conv1", conv(manager, 20, spec.channels(), rng));
        conv2 = registerChild("conv2", conv(manager, 50, 20, rng));
        int side = ((spec.height() - 4) / 2 - 4) / 2;
        int flat = 50 * side * side;
        fc1 = registerChild("fc1", new Linear(Initializers.glorotUniform(manager, new Shape(500, flat), rng),
                manager.zeros(new Shape(500))));
        fc2 = registerChild("fc2", new Linear(Initializers.glorotUniform(manager, new Shape(spec.numClasses(), 500), rng),
                manager.zeros(new Shape(spec.numClasses()))));
    }

    private static Conv2d conv(NDManager manager, int out, int in, Random rng) {
        return new Conv2d(Initializers.glorotUniform(manager, new Shape(out, in, 5, 5), rng),
                manager.zeros(new Shape(out)), 1, 0, 1);
    }

    @Override
    public NDArray forward(NDArray images) {
        checkInput(images);
        NDArray x = Functional.maxPool2d(conv1.forward(images), 2, 2, 0);
        x = Functional.maxPool2d(conv2.forward(x), 2, 2, 0);
        x = Functional.relu(fc1.forward(Functional.flatten(x, 1)));
        return fc2.forward(x);
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        switch (name) {
            case "conv1" -> conv1 = requireType(Conv2d.class, name, replacement);
            case "conv2" -> conv2 = requireType(Conv2d.class, name, replacement);
            case "fc1" -> fc1 = requireType(Linear.class, name, replacement);
            default -> fc2 = requireType(Linear.class, name, replacement);
        }
    }
}
