package org.prune4j.internal.prune.structural;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

class StructuralPruneRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void prunedResnet56SavedAndReloadedGivesTheSameLogits() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Path dense = dir.resolve("dense.safetensors");
            StructuralPruneJob.save(VisionModels.create("resnet56", nd, 7), dense, true);
            VisionModel model = VisionModels.load("resnet56", dense, nd);
            Shape image = new Shape(3, 32, 32);
            long macs = MacCounter.total(model, model::forward, image);
            StructuralPruneSettings s = new StructuralPruneSettings(new Importance.Magnitude(2), GroupReduction.MEAN,
                    Normalizer.MEAN, Scope.GLOBAL, new Target(Target.Kind.MACS, 0.6), 1, 0.9, 0.05);
            StructuralPruner.Result r = StructuralPruner.run(model, model::forward, image, s, Map::of, null);
            long after = MacCounter.total(model, model::forward, image);
            assertTrue(after <= 0.6 * macs, after + " vs " + macs);
            assertTrue(after > 0.4 * macs, "progressive steps stop near the target: " + after + " vs " + macs);
            assertTrue(model.parameterCount() < VisionModels.create("resnet56", nd, 0).parameterCount());
            Path out = dir.resolve("pruned.safetensors");
            StructuralPruneJob.save(model, out, true);
            try (SafetensorsFile in = SafetensorsFile.open(dense); SafetensorsFile o = SafetensorsFile.open(out)) {
                assertEquals(in.names(), o.names(), "same tensor names as the input");
                assertTrue(o.metadata().containsKey("module.layer2.0.shortcut.source"), o.metadata().toString());
                assertTrue(o.metadata().containsKey("module.layer3.0.shortcut.source"));
            }
            VisionModel reloaded = VisionModels.load("resnet56", out, nd);
            nd.getEngine().setRandomSeed(11);
            NDArray x = nd.randomNormal(new Shape(3, 3, 32, 32));
            assertArrayEquals(model.forward(x).toFloatArray(), reloaded.forward(x).toFloatArray(), 1e-5f);
            assertEquals(model.parameterCount(), reloaded.parameterCount());
            assertTrue(r.steps() > 1, "reached in several steps");
        }
    }

    @Test
    void localScopeRemovesTheSameFractionFromEveryGroupAndRoundsTo() {
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("resnet20", nd, 1);
            Shape image = new Shape(3, 32, 32);
            StructuralPruneSettings s = new StructuralPruneSettings(new Importance.Magnitude(1), GroupReduction.MEAN,
                    Normalizer.NONE, Scope.LOCAL, new Target(Target.Kind.CHANNELS, 0.5), 4, 0.9, 0.125);
            StructuralPruner.Result r = StructuralPruner.run(model, model::forward, image, s, Map::of, null);
            r.widths().forEach((name, w) -> {
                assertEquals(0, w[1] % 4, name + " keeps a multiple of 4");
                assertEquals(w[0] / 2, w[1], name + " keeps half");
            });
        }
    }

    @Test
    void lampNormaliserDividesByTheSumOfLargerScores() {
        double[] out = Normalizer.LAMP.apply(new double[] {1, 3, 2});
        assertEquals(1.0 / 6, out[0], 1e-6);
        assertEquals(1.0, out[1], 1e-6);
        assertEquals(2.0 / 5, out[2], 1e-6);
        assertArrayEquals(new double[] {0.5, 1.5, 1.0}, Normalizer.MEAN.apply(new double[] {1, 3, 2}), 1e-6);
    }
}
