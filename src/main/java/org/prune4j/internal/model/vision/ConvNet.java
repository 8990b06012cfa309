package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/**
 * The Conv-2, Conv-4 and Conv-6 CIFAR-10 networks of Frankle &amp; Carbin 2019 (Figure 2; scaled-down VGG):
 * 3×3 convolutions with padding 1 and ReLU in pairs of 64, 128 and 256 channels, a 2×2 max pool after each
 * pair, then fully connected 256-256-10 with ReLU. Gaussian Glorot weights, zero biases. Layers {@code
 * conv1} ... {@code conv2k}, {@code fc1}, {@code fc2}, {@code fc3}.
 */
public final class ConvNet extends VisionModel {
    private static final int[] WIDTHS = {64, 128, 256};
    private final Conv2d[] convs;
    private Linear fc1;
    private Linear fc2;
    private Linear fc3;

    /** {@code pairs} = 1, 2 or 3 for Conv-2, Conv-4, Conv-6. */
    ConvNet(VisionSpec spec, int pairs, NDManager manager, Random rng) {
        super(spec);
        List<Conv2d> list = new ArrayList<>();
        long in = spec.channels();
        for (int p = 0; p < pairs; p++) {
            for (int j = 0; j < 2; j++) {
                long out = WIDTHS[p];
                Conv2d c = new Conv2d(Initializers.glorotNormal(manager, new Shape(out, in, 3, 3), rng),
                        manager.zeros(new Shape(out)), 1, 1, 1);
                list.add(registerChild("conv" + (list.size() + 1), c));
                in = out;
            }
        }
        convs = list.toArray(new Conv2d[0]);
        long side = spec.height() >> pairs;
        int flat = Math.toIntExact(in * side * (spec.width() >> pairs));
        fc1 = registerChild("fc1", LeNet300100.linear(manager, 256, flat, rng));
        fc2 = registerChild("fc2", LeNet300100.linear(manager, 256, 256, rng));
        fc3 = registerChild("fc3", LeNet300100.linear(manager, spec.numClasses(), 256, rng));
    }

    @Override
    public NDArray forward(NDArray images) {
        checkInput(images);
        NDArray x = images;
        for (int i = 0; i < convs.length; i++) {
            x = Functional.relu(convs[i].forward(x));
            if (i % 2 == 1) {
                x = Functional.maxPool2d(x, 2, 2, 0);
            }
        }
        x = Functional.flatten(x, 1);
        x = Functional.relu(fc1.forward(x));
        x = Functional.relu(fc2.forward(x));
        return fc3.forward(x);
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        if (name.startsWith("conv")) {
            convs[Integer.parseInt(name.substring(4)) - 1] = requireType(Conv2d.class, name, replacement);
            return;
        }
        Linear l = requireType(Linear.class, name, replacement);
        switch (name) {
            case "fc1" -> fc1 = l;
            case "fc2" -> fc2 = l;
            default -> fc3 = l;
        }
    }
}
