package org.prune4j.internal.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.nn.Parameter;

class FreshInitializationTest {
    @Test
    void atRegistryWidthsItReproducesTheConstructorsDraws() {
        for (String arch : new String[] {"lenet-300-100", "lenet5", "conv2", "resnet20"}) {
            try (NDManager nd = NDManager.newBaseManager()) {
                VisionModel other = VisionModels.create(arch, nd, 3);
                FreshInitialization.reinitialize(other, 7);
                Map<String, Parameter> expected = VisionModels.create(arch, nd, 7).namedParameters();
                Map<String, Parameter> actual = other.namedParameters();
                assertEquals(expected.keySet(), actual.keySet());
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name).value().toFloatArray(), actual.get(name).value().toFloatArray(),
                            arch + " " + name);
                }
            }
        }
    }

    @Test
    void vitIsNotSupportedYet() {
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel vit = VisionModels.create("vit-cifar-tiny", nd, 0);
            UserError e = assertThrows(UserError.class, () -> FreshInitialization.reinitialize(vit, 0));
            assertEquals(true, e.getMessage().contains("not supported yet"), e.getMessage());
        }
    }
}
