package org.prune4j.internal.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.nn.Module;

class VisionModelsTest {
    @Test
    void everyArchitectureHasThePublishedParameterCountAndOutputShape() {
        Map<String, Long> counts = Map.of("lenet-300-100", 266_610L, "lenet5", 431_080L, "conv2", 4_301_642L,
                "conv4", 2_425_930L, "conv6", 2_262_602L, "resnet20", 269_722L, "resnet32", 464_154L,
                "resnet44", 658_586L, "resnet56", 853_018L, "vit-cifar-tiny", 811_146L);
        assertEquals(counts.keySet(), new java.util.HashSet<>(VisionModels.names()));
        for (String arch : VisionModels.names()) {
            try (NDManager m = NDManager.newBaseManager()) {
                VisionModel model = VisionModels.create(arch, m, 1);
                assertEquals(counts.get(arch), model.parameterCount(), arch);
                VisionSpec s = model.spec();
                try (NDManager scope = m.newSubManager()) {
                    NDArray x = scope.randomNormal(new Shape(2, s.channels(), s.height(), s.width()));
                    NDArray y = model.forward(x);
                    assertEquals(new Shape(2, 10), y.getShape(), arch);
                    assertTrue(y.getManager() == scope, arch + ": output lives in the input's manager");
                }
                assertThrows(IllegalArgumentException.class,
                        () -> model.forward(m.zeros(new Shape(1, s.channels() + 1, s.height(), s.width()))));
            }
        }
    }

    @Test
    void resnetNamesMatchTheAkamasterStateDict() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel r = VisionModels.create("resnet20", m, 0);
            List<String> params = List.copyOf(r.namedParameters().keySet());
            assertEquals("conv1.weight", params.get(0));
            assertEquals(List.of("bn1.weight", "bn1.bias"), params.subList(1, 3));
            assertTrue(params.contains("layer3.2.conv2.weight"));
            assertEquals("linear.bias", params.get(params.size() - 1));
            assertEquals(97 - 2 * 19, params.size(), "97 tensors in the checkpoint minus 19 BN running-stat pairs");
            assertTrue(r.namedBuffers().containsKey("layer2.0.bn1.running_var"));
            assertEquals(new Shape(32, 16, 3, 3), r.namedParameters().get("layer2.0.conv1.weight").value().getShape());
        }
    }

    @Test
    void vitNamesMatchTheCheckpointLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel v = VisionModels.create("vit-cifar-tiny", m, 0);
            List<String> params = List.copyOf(v.namedParameters().keySet());
            assertEquals(80, params.size());
            assertEquals(List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
                    "transformer.layers.0.self_attn.in_proj_weight", "transformer.layers.0.self_attn.in_proj_bias",
                    "transformer.layers.0.self_attn.out_proj.weight"), params.subList(0, 7));
            assertEquals("mlp_head.1.bias", params.get(79));
            assertEquals(new Shape(1, 65, 128), v.namedParameters().get("pos_embed").value().getShape());
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel a = VisionModels.create("conv2", m, 42);
            VisionModel b = VisionModels.create("conv2", m, 42);
            VisionModel c = VisionModels.create("conv2", m, 43);
            float[] wa = a.namedParameters().get("fc1.weight").value().toFloatArray();
            assertArrayEquals(wa, b.namedParameters().get("fc1.weight").value().toFloatArray());
            assertFalse(java.util.Arrays.equals(wa, c.namedParameters().get("fc1.weight").value().toFloatArray()));
            // Glorot normal: std sqrt(2 / (16384 + 256))
            double var = 0;
            for (float w : wa) {
                var += (double) w * w / wa.length;
            }
            assertEquals(2.0 / (16384 + 256), var, 0.02 * 2.0 / (16384 + 256));
        }
    }

    @Test
    void kaimingInitOfResnetConvolutions() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = VisionModels.create("resnet56", m, 3).namedParameters().get("layer3.4.conv1.weight").value()
                    .toFloatArray();
            double var = 0;
            for (float x : w) {
                var += (double) x * x / w.length;
            }
            assertEquals(2.0 / (64 * 9), var, 0.05 * 2.0 / (64 * 9));
        }
    }

    @Test
    void trainingModeReachesEveryModule() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel v = VisionModels.create("vit-cifar-tiny", m, 0);
            assertTrue(v.namedModules().values().stream().noneMatch(Module::isTraining), "evaluation mode by default");
            v.train(true);
            assertTrue(v.namedModules().values().stream().allMatch(Module::isTraining));
            v.train(false);
            assertTrue(v.namedModules().values().stream().noneMatch(Module::isTraining));
        }
    }

    @Test
    void unknownArchitectureListsTheValidNames() {
        try (NDManager m = NDManager.newBaseManager()) {
            UserError e = assertThrows(UserError.class, () -> VisionModels.create("resnet18", m, 0));
            assertEquals("unknown vision architecture resnet18; valid: lenet-300-100, lenet5, conv2, conv4, conv6,"
                    + " resnet20, resnet32, resnet44, resnet56, vit-cifar-tiny", e.getMessage());
        }
    }
}
