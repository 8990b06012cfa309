package org.prune4j.internal.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** A forward pass leaves nothing behind in the model's manager: everything it makes lives in the input's. */
class ForwardMemoryTest {
    @Test
    void forwardPassesDoNotGrowTheModelsManager() {
        for (String arch : VisionModels.names()) {
            try (NDManager m = NDManager.newBaseManager()) {
                VisionModel model = VisionModels.create(arch, m, 0);
                VisionSpec s = model.spec();
                int before = m.getManagedArrays().size();
                for (boolean training : new boolean[] {false, true}) {
                    model.train(training);
                    try (NDManager scope = m.newSubManager()) {
                        model.forward(scope.ones(new Shape(2, s.channels(), s.height(), s.width()))).sum().getFloat();
                    }
                }
                assertEquals(before, m.getManagedArrays().size(), arch);
            }
        }
    }
}
