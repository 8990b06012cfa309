package org.prune4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.eval.InterleavedTiming;
import org.prune4j.internal.model.vision.TokenReduction;
import org.prune4j.internal.model.vision.TokenTrace;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionTransformer;
import org.prune4j.internal.prune.tokens.TokenReductionSpec;
import org.prune4j.internal.prune.tokens.VitMacs;

/**
 * Optional experiment (not a unit test): accuracy against measured images/s of the tiny CIFAR-10 ViT with
 * ToMe, EViT and Zero-TPrune-style token reduction, on the lossless 1,000 and the JPEG 10k test images of
 * the shared data folder. Writes a Markdown table, a CSV and a PNG plot.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/classpath.txt) \
 *     org.prune4j.bench.TokenReductionSweep ../shared/data docs/experiments [--no-jpeg10k]
 * </pre>
 *
 * Throughput: batch 64 of the set's first images, each configuration interleaved with the dense model,
 * median of 5 rounds after 2 warm-up rounds.
 */
public final class TokenReductionSweep {
    static final String[] SPECS = {"tome:r=2", "tome:r=4", "tome:r=8", "tome:r=12", "tome:r=16",
        "evit:keep=0.9", "evit:keep=0.7", "evit:keep=0.5", "evit:keep=0.7,fuse=true",
        "zerotprune:keep=0.9", "zerotprune:keep=0.7", "zerotprune:keep=0.5"};
    /** The configurations also evaluated on the JPEG 10k set (the others only on the lossless 1,000). */
    static final java.util.Set<String> JPEG_SPECS = java.util.Set.of("tome:r=8", "tome:r=16", "evit:keep=0.7",
            "evit:keep=0.5", "zerotprune:keep=0.7", "zerotprune:keep=0.5");

    private TokenReductionSweep() {}

    record Row(String spec, double lossless, double jpeg, long macs, double imagesPerSecond, double denseImagesPerSecond) {}

    public static void main(String[] args) throws IOException {
        Path shared = Path.of(args[0]);
        Path out = Path.of(args[1]);
        boolean jpeg = !(args.length > 2 && args[2].equals("--no-jpeg10k"));
        Files.createDirectories(out.resolve("img"));
        var spec = VisionModels.spec("vit-cifar-tiny");
        Dataset lossless = Cifar10Binary.read(shared.resolve("cifar10/test_batch_first1000_lossless.bin"), spec.normalization());
        Dataset jpeg10k = jpeg ? Cifar10Binary.read(shared.resolve("cifar10/test_batch.bin"), spec.normalization()) : null;
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer vit = (VisionTransformer) VisionModels.load("vit-cifar-tiny",
                    shared.resolve("vit-cifar10-tiny/vit_cifar10.pth"), manager);
            vit.train(false);
            double denseLossless = ImageClassificationEval.evaluate(vit, lossless, 100).accuracy();
            double denseJpeg = jpeg ? ImageClassificationEval.evaluate(vit, jpeg10k, 100).accuracy() : Double.NaN;
            int[] dense = new int[vit.layers().size()];
            java.util.Arrays.fill(dense, 65);
            long denseMacs = VitMacs.perImage(vit, dense, dense);
            List<Row> rows = new ArrayList<>();
            for (String s : SPECS) {
                TokenReduction r = TokenReductionSpec.parse(s, vit.layers().size(), 65);
                double acc = ImageClassificationEval.evaluate(vit, lossless, 100, x -> vit.forward(x, r).logits()).accuracy();
                double accJpeg = jpeg && JPEG_SPECS.contains(s) ? ImageClassificationEval.evaluate(vit, jpeg10k, 100,
                        x -> vit.forward(x, r).logits()).accuracy() : Double.NaN;
                try (NDManager scope = manager.newSubManager()) {
                    float[] px = new float[64 * lossless.imageSize()];
                    for (int i = 0; i < 64; i++) {
                        lossless.image(i, px, i * lossless.imageSize());
                    }
                    NDArray x = scope.create(px, new Shape(64, 3, 32, 32));
                    TokenTrace trace = vit.forward(x, r);
                    long macs = VitMacs.perImage(vit, trace.tokensIn(), trace.tokensAfterReduction());
                    var times = InterleavedTiming.measure(List.of(
                            () -> { try (NDManager m = scope.newSubManager()) {
                                NDArray in = x.duplicate(); in.attach(m); vit.forward(in).toFloatArray(); } },
                            () -> { try (NDManager m = scope.newSubManager()) {
                                NDArray in = x.duplicate(); in.attach(m); vit.forward(in, r).logits().toFloatArray(); } }),
                            2, 5);
                    rows.add(new Row(s, acc, accJpeg, macs, 64 / times.get(1).median(), 64 / times.get(0).median()));
                    System.err.printf(Locale.ROOT, "%s: %.2f%% / %.2f%%, %.1f vs %.1f images/s%n", s, 100 * acc,
                            100 * accJpeg, 64 / times.get(1).median(), 64 / times.get(0).median());
                }
            }
            write(out, rows, denseLossless, denseJpeg, denseMacs, (System.nanoTime() - start) / 1e9);
        }
    }

    private static void write(Path out, List<Row> rows, double denseLossless, double denseJpeg, long denseMacs,
            double seconds) throws IOException {
        StringBuilder csv = new StringBuilder("spec,accuracy_lossless_1000,accuracy_jpeg_10k,macs,images_per_s,dense_images_per_s\n");
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Dense: %.2f%% (lossless 1,000), %.2f%% (JPEG 10k), %,d MACs/image. "
                + "Whole sweep: %.0f s.%n%n", 100 * denseLossless, 100 * denseJpeg, denseMacs, seconds));
        md.append("| --tokens | accuracy, lossless 1,000 | accuracy, JPEG 10k | MACs/image | images/s | dense images/s (same rounds) | speed-up |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%.4f,%.4f,%d,%.1f,%.1f%n", r.spec().replace(',', ';'), r.lossless(),
                    r.jpeg(), r.macs(), r.imagesPerSecond(), r.denseImagesPerSecond()));
            md.append(String.format(Locale.ROOT, "| `%s` | %.2f%% | %s | %,d | %.1f | %.1f | %.2fx |%n", r.spec(),
                    100 * r.lossless(), Double.isNaN(r.jpeg()) ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * r.jpeg()), r.macs(), r.imagesPerSecond(), r.denseImagesPerSecond(),
                    r.imagesPerSecond() / r.denseImagesPerSecond()));
            String method = r.spec().substring(0, r.spec().indexOf(':')) + (r.spec().contains("fuse") ? " (fuse)" : "");
            series.computeIfAbsent(method, k -> new ArrayList<>())
                    .add(new double[] {r.imagesPerSecond() / r.denseImagesPerSecond(), 100 * r.lossless()});
        }
        Files.writeString(out.resolve("token-reduction-vit.csv"), csv);
        Files.writeString(out.resolve("token-reduction-vit.table.md"), md);
        XyPlot.write(out.resolve("img/token-reduction-vit.png"), "Tiny ViT, CIFAR-10 lossless 1,000: token reduction",
                "measured images/s relative to dense (batch 64)", "accuracy (%)", series, 1.0, 100 * denseLossless);
    }
}
