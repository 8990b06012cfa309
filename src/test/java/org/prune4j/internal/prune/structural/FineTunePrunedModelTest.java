package org.prune4j.internal.prune.structural;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.train.EpochResult;
import org.prune4j.internal.train.TrainingResult;

/**
 * Regression: fine-tuning a ResNet-20 whose channels were removed (widths like 2, 3, 6, 22) produced NaN
 * losses from the first steps on (and a crash in libtorch on ResNet-56), because the engine's convolution
 * gradients are wrong for such channel counts on some CPUs. A few steps must stay finite and learn.
 */
class FineTunePrunedModelTest {
    static final Path RESNET20 = Path.of("src/test/resources/checkpoints/resnet20-12fca82f.th");
    static final Path IMAGES = Path.of("src/test/resources/data/cifar10/test_batch.bin");

    @Test
    void prunedResnetFineTunesWithFiniteLossesAndLearns() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Dataset data = Cifar10Binary.read(IMAGES, VisionModels.spec("resnet20").normalization()).range(0, 64);
            // distillation with alpha 0.5 runs both the teacher term and the cross-entropy
            StructuralPruneJob.Distill distill = new StructuralPruneJob.Distill(4, 0.5);
            {
                VisionModel dense = VisionModels.load("resnet20", RESNET20, nd);
                VisionModel model = VisionModels.load("resnet20", RESNET20, nd);
                StructuralPruneSettings s = new StructuralPruneSettings(new Importance.Magnitude(2), GroupReduction.MEAN,
                        Normalizer.MEAN, Scope.GLOBAL, new Target(Target.Kind.MACS, 0.5), 1, 0.9, 0.1);
                StructuralPruner.run(model, model::forward, new Shape(3, 32, 32), s, Map::of, null);
                StructuralPruneJob.Request r = new StructuralPruneJob.Request("resnet20", RESNET20, data, null, data, 3, 0.02,
                        16, 0, 1, null, distill, null);
                TrainingResult tr = StructuralPruneJob.finetune(model, dense, r);
                for (EpochResult e : tr.epochs()) {
                    assertTrue(Double.isFinite(e.trainLoss()), "distill " + distill + ": " + e);
                    assertTrue(Double.isFinite(e.test().loss()), "distill " + distill + ": " + e);
                }
                model.namedParameters().forEach((k, p) -> assertFalse(p.value().isNaN().any().getBoolean(), k));
                double first = tr.epochs().get(0).trainLoss();
                double last = tr.epochs().get(tr.epochs().size() - 1).trainLoss();
                assertTrue(last < first, "the training loss falls: " + first + " -> " + last);
            }
        }
    }
}
