package org.prune4j.internal.model.vision;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Parameter;

/** Autograd runs through every architecture, and one plain SGD step lowers the loss on a tiny batch. */
class VisionTrainingStepTest {
    @ParameterizedTest
    @ValueSource(strings = {"lenet-300-100", "lenet5", "conv2", "conv4", "conv6", "resnet20", "resnet56",
            "vit-cifar-tiny"})
    void oneSgdStepReducesTheLoss(String arch) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create(arch, m, 7);
            VisionSpec s = model.spec();
            model.train(true);
            Map<String, Parameter> params = model.namedParameters();
            params.values().forEach(p -> p.value().setRequiresGradient(true));
            NDArray x = m.randomNormal(new Shape(8, s.channels(), s.height(), s.width()));
            NDArray y = m.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7});
            float before;
            try (NDManager scope = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Engine.getInstance().setRandomSeed(11); // same dropout masks in both passes
                NDArray loss = Functional.crossEntropy(model.forward(x), y);
                before = loss.getFloat();
                gc.backward(loss);
            }
            float lr = 0.02f;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray g = e.getValue().value().getGradient();
                assertNotNull(g, arch + " " + e.getKey());
                assertTrue(g.abs().sum().getFloat() > 0, arch + ": no gradient reached " + e.getKey());
                NDArray updated = e.getValue().value().sub(g.mul(lr));
                e.getValue().setValue(updated);
                e.getValue().value().setRequiresGradient(true);
            }
            float after;
            try (NDManager scope = m.newSubManager()) {
                Engine.getInstance().setRandomSeed(11);
                after = Functional.crossEntropy(model.forward(x), y).getFloat();
            }
            assertTrue(after < before, arch + ": loss " + before + " -> " + after);
        }
    }
}
