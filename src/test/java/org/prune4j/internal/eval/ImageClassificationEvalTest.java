package org.prune4j.internal.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

class ImageClassificationEvalTest {
    static Path resource(String name) {
        try {
            return Path.of(ImageClassificationEvalTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pretrainedResnet20GetsTheIndependentlyCheckedScoreOnTheFirst100TestImages() {
        Dataset cifar = Cifar10Binary.read(resource("/data/cifar10/test_batch.bin"),
                VisionModels.spec("resnet20").normalization());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load("resnet20", resource("/checkpoints/resnet20-12fca82f.th"), m);
            model.train(true);
            ImageClassificationEval.Result first100 = ImageClassificationEval.evaluate(model, cifar.range(0, 100), 32);
            // independent numpy forward pass (data PROVENANCE): 94 of the first 100 test images
            assertEquals(94, first100.correct());
            assertEquals(100, first100.images());
            assertTrue(model.isTraining(), "the model's mode is restored");
            ImageClassificationEval.Result all = ImageClassificationEval.evaluate(model, cifar, 64);
            assertEquals(200, all.images());
            assertTrue(all.accuracy() > 0.88, "accuracy on 200 images " + all.accuracy());
            for (int i = 0; i < 100; i++) {
                assertEquals(first100.predictions()[i], all.predictions()[i], "batching does not change predictions");
            }
        }
    }

    /**
     * The deeper pretrained ResNets (checkpoints/PROVENANCE.md): each gets the count of the first 100 CIFAR-10
     * test images right that an independent numpy forward pass of the same checkpoint gets (92, 93, 96).
     */
    @ParameterizedTest
    @CsvSource({"resnet32,resnet32-d509ac18.th,92", "resnet44,resnet44-014dd654.th,93", "resnet56,resnet56-4bfd9763.th,96"})
    void pretrainedDeeperResnetsGetTheIndependentlyCheckedScores(String arch, String file, int expected) {
        Dataset first100 = Cifar10Binary.read(resource("/data/cifar10/test_batch.bin"),
                VisionModels.spec(arch).normalization()).range(0, 100);
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(arch, resource("/checkpoints/" + file), m);
            ImageClassificationEval.Result r = ImageClassificationEval.evaluate(model, first100, 50);
            assertEquals(100, r.images());
            assertEquals(expected, r.correct(), arch);
        }
    }

    @Test
    void anUntrainedModelIsNearChance() {
        Dataset cifar = Cifar10Binary.read(resource("/data/cifar10/test_batch.bin"),
                VisionModels.spec("conv2").normalization());
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassificationEval.Result r = ImageClassificationEval.evaluate(VisionModels.create("conv2", m, 5), cifar, 50);
            assertTrue(r.accuracy() < 0.3, "untrained accuracy " + r.accuracy());
            assertFalse(r.seconds() <= 0);
        }
    }
}
