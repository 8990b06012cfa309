package org.prune4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.prune4j.data.Cifar10Binary;
import org.prune4j.data.Dataset;
import org.prune4j.model.vision.VisionModel;
import org.prune4j.model.vision.VisionModels;

/**
 * Optional: the pretrained CIFAR-10 models on the shared data set (skipped when {@code
 * /work/shared/data}, or the directory in {@code -Dprune4j.sharedData}, is absent). Reference accuracies
 * come from an independent numpy forward pass (cifar10/PROVENANCE.md there). The 10,000-image runs take
 * minutes on a shared CPU and only run with {@code -Dprune4j.slow=true}.
 */
class SharedCifarAccuracyTest {
    private static final Path SHARED = Path.of(System.getProperty("prune4j.sharedData", "/work/shared/data"));
    private static final String[] RESNETS = {"resnet20", "resnet32", "resnet44", "resnet56"};
    private static final String[] FILES = {"resnet20-12fca82f.th", "resnet32-d509ac18.th", "resnet44-014dd654.th",
            "resnet56-4bfd9763.th"};

    private static Path shared(String relative) {
        Path p = SHARED.resolve(relative);
        assumeTrue(Files.isRegularFile(p), "shared data not present: " + p);
        return p;
    }

    private static double accuracy(String arch, Path checkpoint, Path images) {
        Dataset data = Cifar10Binary.read(images, VisionModels.spec(arch).normalization());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(arch, checkpoint, m);
            ImageClassificationEval.Result r = ImageClassificationEval.evaluate(model, data, 250);
            System.out.printf(Locale.ROOT, "%s on %s: %.2f%% (%d/%d) in %.1f s%n", arch, images.getFileName(),
                    100 * r.accuracy(), r.correct(), r.images(), r.seconds());
            return 100 * r.accuracy();
        }
    }

    @Test
    void resnetsOnTheLosslessFirst1000TestImages() {
        Path images = shared("cifar10/test_batch_first1000_lossless.bin");
        double[] expected = {91.5, 92.8, 93.3, 92.6};
        for (int i = 0; i < RESNETS.length; i++) {
            assertEquals(expected[i], accuracy(RESNETS[i], shared("cifar10-resnet-akamaster/" + FILES[i]), images), 0.2,
                    RESNETS[i]);
        }
    }

    @Test
    void resnetsOnTheJpegRebuilt10kTestSet() {
        assumeTrue(Boolean.getBoolean("prune4j.slow"), "10k-image run: enable with -Dprune4j.slow=true");
        Path images = shared("cifar10/test_batch.bin");
        double[] expected = {81.03, 82.56, 82.67, 83.20};
        for (int i = 0; i < RESNETS.length; i++) {
            assertEquals(expected[i], accuracy(RESNETS[i], shared("cifar10-resnet-akamaster/" + FILES[i]), images), 0.2,
                    RESNETS[i]);
        }
    }

    @Test
    void vitOnTheLosslessTestImages() {
        Path checkpoint = shared("vit-cifar10-tiny/vit_cifar10.pth");
        // independent numpy check (PROVENANCE): 71 of the first 100 test images
        assertEquals(71.0, accuracy("vit-cifar-tiny", checkpoint, shared("cifar10-test-first100/test_batch_first100.bin")),
                1e-9);
        double acc = accuracy("vit-cifar-tiny", checkpoint, shared("cifar10/test_batch_first1000_lossless.bin"));
        // reported by its authors: 73.72% on the full official test set; 1,000 images give about ±1.4 points
        assertEquals(73.72, acc, 4.0);
    }
}
