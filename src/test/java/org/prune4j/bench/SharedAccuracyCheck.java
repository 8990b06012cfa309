package org.prune4j.bench;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

/**
 * Optional check (not a unit test): the pretrained CIFAR-10 models of the shared data folder against
 * the independently computed accuracies in its {@code cifar10/PROVENANCE.md}. Needs that folder, which a
 * fresh clone lacks, so it is a program:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/classpath.txt) \
 *     org.prune4j.bench.SharedAccuracyCheck ../shared/data [--jpeg10k]
 * </pre>
 *
 * Prints each accuracy with its reference and exits 1 when one is more than 0.2 points off.
 */
public final class SharedAccuracyCheck {
    private static final String[] RESNETS = {"resnet20", "resnet32", "resnet44", "resnet56"};
    private static final String[] FILES = {"resnet20-12fca82f.th", "resnet32-d509ac18.th", "resnet44-014dd654.th",
            "resnet56-4bfd9763.th"};
    private static final double[] LOSSLESS_1K = {91.5, 92.8, 93.3, 92.6};
    private static final double[] JPEG_10K = {81.03, 82.56, 82.67, 83.20};

    private SharedAccuracyCheck() {}

    public static void main(String[] args) {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared/data");
        boolean jpeg = args.length > 1 && args[1].equals("--jpeg10k");
        if (!Files.isDirectory(shared.resolve("cifar10"))) {
            System.err.println("no shared data folder at " + shared + " (pass its path)");
            System.exit(2);
        }
        int off = 0;
        for (int i = 0; i < RESNETS.length; i++) {
            Path ckpt = shared.resolve("cifar10-resnet-akamaster/" + FILES[i]);
            off += report(RESNETS[i], ckpt, shared.resolve("cifar10/test_batch_first1000_lossless.bin"), LOSSLESS_1K[i], 0.2);
            if (jpeg) {
                off += report(RESNETS[i], ckpt, shared.resolve("cifar10/test_batch.bin"), JPEG_10K[i], 0.2);
            }
        }
        Path vit = shared.resolve("vit-cifar10-tiny/vit_cifar10.pth");
        if (Files.isRegularFile(vit)) {
            // independent numpy check (its PROVENANCE): 71 of the first 100 test images
            off += report("vit-cifar-tiny", vit, shared.resolve("cifar10-test-first100/test_batch_first100.bin"), 71.0, 1e-9);
            // its authors report 73.72% on the full official test set; 1,000 images give about ±1.4 points
            off += report("vit-cifar-tiny", vit, shared.resolve("cifar10/test_batch_first1000_lossless.bin"), 73.72, 4.0);
        }
        System.out.println(off == 0 ? "all accuracies within tolerance" : off + " accuracies out of tolerance");
        System.exit(off == 0 ? 0 : 1);
    }

    private static int report(String arch, Path checkpoint, Path images, double expected, double tolerance) {
        Dataset data = Cifar10Binary.read(images, VisionModels.spec(arch).normalization());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(arch, checkpoint, m);
            ImageClassificationEval.Result r = ImageClassificationEval.evaluate(model, data, 250);
            double acc = 100 * r.accuracy();
            boolean ok = Math.abs(acc - expected) <= tolerance;
            System.out.printf(Locale.ROOT, "%-15s %-40s %6.2f%% (reference %.2f%%) %s, %.1f s%n", arch, images.getFileName(),
                    acc, expected, ok ? "ok" : "OFF", r.seconds());
            return ok ? 0 : 1;
        }
    }
}
