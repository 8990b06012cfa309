package org.prune4j.internal.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.prune4j.UserError;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.eval.InterleavedTiming;
import org.prune4j.internal.model.vision.TokenReduction;
import org.prune4j.internal.model.vision.TokenTrace;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.model.vision.VisionTransformer;
import org.prune4j.internal.prune.tokens.TokenReductionSpec;
import org.prune4j.internal.prune.tokens.VitMacs;

/**
 * {@code prune4j eval --arch vit-… --tokens SPEC}: accuracy, tokens per layer, MACs and measured images/s
 * of a vision transformer with inference-time token reduction, next to the dense model in the same run
 * (accuracy on the whole image set; throughput on one batch of {@value #THROUGHPUT_BATCH} of its images,
 * dense and reduced interleaved, median of {@value #ROUNDS} rounds after {@value #WARMUP} warm-up rounds).
 */
final class TokenReductionEval {
    static final int THROUGHPUT_BATCH = 64;
    static final int WARMUP = 2;
    static final int ROUNDS = 7;

    private TokenReductionEval() {}

    static int run(Path checkpoint, String arch, Path images, String tokens, boolean json, ObjectNode recipe, PrintWriter out) {
        VisionSpec spec = VisionModels.spec(arch);
        Dataset data = VisionEval.readImages(images, spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(arch, checkpoint, manager);
            if (!(model instanceof VisionTransformer vit)) {
                throw new UserError("--tokens needs a vision transformer (--arch vit-cifar-tiny), not " + arch);
            }
            int depth = vit.layers().size();
            int tokenCount = Math.toIntExact(vit.posEmbed().value().getShape().get(1));
            TokenReduction reduction = TokenReductionSpec.parse(tokens, depth, tokenCount);

            ImageClassificationEval.Result dense = ImageClassificationEval.evaluate(vit, data, THROUGHPUT_BATCH);
            ImageClassificationEval.Result reduced = ImageClassificationEval.evaluate(vit, data, THROUGHPUT_BATCH,
                    x -> vit.forward(x, reduction).logits());

            vit.train(false);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = throughputBatch(data, scope);
                TokenTrace trace = vit.forward(x, reduction);
                int[] denseTokens = new int[depth];
                java.util.Arrays.fill(denseTokens, tokenCount);
                long denseMacs = VitMacs.perImage(vit, denseTokens, denseTokens);
                long macs = VitMacs.perImage(vit, trace.tokensIn(), trace.tokensAfterReduction());
                List<InterleavedTiming.Seconds> times = InterleavedTiming.measure(List.of(
                        () -> { try (NDManager s = x.getManager().newSubManager()) {
                            NDArray in = x.duplicate(); in.attach(s); vit.forward(in).toFloatArray(); } },
                        () -> { try (NDManager s = x.getManager().newSubManager()) {
                            NDArray in = x.duplicate(); in.attach(s); vit.forward(in, reduction).logits().toFloatArray(); } }),
                        WARMUP, ROUNDS);
                double denseRate = THROUGHPUT_BATCH / times.get(0).median();
                double rate = THROUGHPUT_BATCH / times.get(1).median();
                print(out, json, recipe, checkpoint, arch, tokens, dense, reduced, trace, tokenCount, denseMacs, macs, denseRate,
                        rate, times);
            }
        }
        return 0;
    }

    /** The first {@value #THROUGHPUT_BATCH} images (repeated when there are fewer), normalised. */
    private static NDArray throughputBatch(Dataset data, NDManager manager) {
        if (data.size() == 0) {
            throw new UserError("no images to evaluate");
        }
        int size = data.imageSize();
        float[] pixels = new float[THROUGHPUT_BATCH * size];
        for (int i = 0; i < THROUGHPUT_BATCH; i++) {
            data.image(i % data.size(), pixels, i * size);
        }
        return manager.create(pixels, new Shape(THROUGHPUT_BATCH, data.channels(), data.height(), data.width()));
    }

    private static void print(PrintWriter out, boolean json, ObjectNode recipe, Path checkpoint, String arch, String tokens,
            ImageClassificationEval.Result dense, ImageClassificationEval.Result reduced, TokenTrace trace,
            int tokenCount, long denseMacs, long macs, double denseRate, double rate,
            List<InterleavedTiming.Seconds> times) {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("model", checkpoint.toString());
            o.put("arch", arch);
            o.put("tokens", tokens);
            o.put("images", dense.images());
            o.put("accuracy", reduced.accuracy());
            o.put("dense_accuracy", dense.accuracy());
            o.put("images_per_s", round(rate));
            o.put("dense_images_per_s", round(denseRate));
            o.put("speedup", round(rate / denseRate));
            o.put("macs", macs);
            o.put("dense_macs", denseMacs);
            ArrayNode in = o.putArray("tokens_per_layer");
            for (int t : trace.tokensIn()) {
                in.add(t);
            }
            ArrayNode after = o.putArray("tokens_after_reduction");
            for (int t : trace.tokensAfterReduction()) {
                after.add(t);
            }
            o.put("dense_tokens_per_layer", tokenCount);
            o.put("throughput_batch", THROUGHPUT_BATCH);
            o.put("batch_seconds_median", round(times.get(1).median()));
            o.put("batch_seconds_min", round(times.get(1).min()));
            o.put("batch_seconds_max", round(times.get(1).max()));
            o.put("dense_batch_seconds_median", round(times.get(0).median()));
            o.put("dense_batch_seconds_min", round(times.get(0).min()));
            o.put("dense_batch_seconds_max", round(times.get(0).max()));
            if (recipe != null) {
                o.set("recipe", recipe);
            }
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "%s with %s on %d images%n", arch, tokens, dense.images());
            out.printf(Locale.ROOT, "  %-8s accuracy %6.2f%%  MACs/image %,d  %8.1f images/s (batch %d, median of %d; %.3f–%.3f s)%n",
                    "dense", 100 * dense.accuracy(), denseMacs, denseRate, THROUGHPUT_BATCH, ROUNDS,
                    times.get(0).min(), times.get(0).max());
            out.printf(Locale.ROOT, "  %-8s accuracy %6.2f%%  MACs/image %,d  %8.1f images/s (batch %d, median of %d; %.3f–%.3f s)%n",
                    "reduced", 100 * reduced.accuracy(), macs, rate, THROUGHPUT_BATCH, ROUNDS, times.get(1).min(),
                    times.get(1).max());
            out.printf(Locale.ROOT, "  tokens per layer: %s -> %s; %.2fx images/s, %.2fx fewer MACs%n",
                    java.util.Arrays.toString(trace.tokensIn()), java.util.Arrays.toString(trace.tokensAfterReduction()),
                    rate / denseRate, denseMacs / (double) macs);
        }
        out.flush();
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
