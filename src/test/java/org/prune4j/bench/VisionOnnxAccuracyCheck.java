package org.prune4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.export.OnnxExportOptions;
import org.prune4j.internal.io.onnx.export.VisionOnnxExport;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

/**
 * Optional check (not a unit test; the suite runs the same comparison on the 200 bundled images in
 * {@code VisionOnnxExportTest} and {@code VitOnnxExportTest}): a vision checkpoint (a CIFAR ResNet, the ViT, ...),
 * dense or structurally pruned, exported to ONNX gives the same predictions in ONNX Runtime as in prune4j on a
 * whole CIFAR-10 file, e.g. the lossless 1,000 test images of the shared data folder. Prints both accuracies, the
 * number of images whose predicted class differs and the largest logit difference.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/classpath.txt) org.prune4j.bench.VisionOnnxAccuracyCheck \
 *     ARCH CHECKPOINT IMAGES.bin
 * </pre>
 */
public final class VisionOnnxAccuracyCheck {
    private static final int BATCH = 100;

    private VisionOnnxAccuracyCheck() {}

    public static void main(String[] args) {
        String arch = args[0];
        Path checkpoint = Path.of(args[1]);
        Dataset data = Cifar10Binary.read(Path.of(args[2]), VisionModels.spec(arch).normalization());
        int size = data.imageSize();
        long start = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(arch, checkpoint, m);
            ModelProto onnx = VisionOnnxExport.build(model, OnnxExportOptions.defaults());
            int correctPrune4j = 0;
            int correctOrt = 0;
            int disagree = 0;
            double maxDiff = 0;
            try (OnnxRunner ort = OnnxRunner.open(onnx, checkpoint.getFileName().toString(), 1)) {
                for (int from = 0; from < data.size(); from += BATCH) {
                    int n = Math.min(BATCH, data.size() - from);
                    float[] images = new float[n * size];
                    for (int i = 0; i < n; i++) {
                        data.image(from + i, images, i * size);
                    }
                    long[] shape = {n, 3, 32, 32};
                    float[] ours;
                    try (NDManager pass = m.newSubManager()) {
                        NDArray x = pass.create(images, new Shape(shape));
                        ours = model.forward(x).toFloatArray();
                    }
                    float[] theirs = ort.run(Map.of("input", InputTensor.ofFloats(shape, images)), List.of("logits"))
                            .get("logits").values();
                    int classes = ours.length / n;
                    for (int i = 0; i < n; i++) {
                        int a = argmax(ours, i * classes, classes);
                        int b = argmax(theirs, i * classes, classes);
                        correctPrune4j += a == data.label(from + i) ? 1 : 0;
                        correctOrt += b == data.label(from + i) ? 1 : 0;
                        disagree += a == b ? 0 : 1;
                    }
                    for (int j = 0; j < ours.length; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ours[j] - theirs[j]));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s %s on %d images: accuracy prune4j %.2f%%, ONNX Runtime %.2f%%; %d predictions differ; "
                    + "max |logit difference| %.2e; %.0f s%n", arch, checkpoint.getFileName(), data.size(),
                    100.0 * correctPrune4j / data.size(), 100.0 * correctOrt / data.size(), disagree, maxDiff,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static int argmax(float[] v, int offset, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (v[offset + k] > v[offset + best]) {
                best = k;
            }
        }
        return best;
    }
}
