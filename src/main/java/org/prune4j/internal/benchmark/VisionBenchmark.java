package org.prune4j.internal.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.prune.structural.MacCounter;

/**
 * Inference speed of vision models in prune4j's runtime (or another, through a {@link Runner}): for each batch size, the time of one forward
 * pass over a batch of seeded random images, as images per second. Rounds interleave the models.
 */
public final class VisionBenchmark {
    private VisionBenchmark() {}

    /** Times one forward pass over {@code images}; returns seconds. */
    @FunctionalInterface
    public interface Runner {
        double seconds(NDArray images);
    }

    /** A loaded model under test: {@code model} gives its facts, {@code runner} the runtime it is timed in. */
    public record Subject(String name, VisionModel model, long fileBytes, Runner runner) {
        /** Timed in prune4j's own runtime. */
        public Subject(String name, VisionModel model, long fileBytes) {
            this(name, model, fileBytes, images -> once(model, images));
        }
    }

    public static List<VisionBenchResult> run(List<Subject> subjects, BenchSettings s, IntConsumer progress) {
        VisionSpec spec = subjects.get(0).model().spec();
        int n = subjects.size();
        List<Integer> batches = s.batches();
        double[][][] rates = new double[n][batches.size()][s.runs()];
        try (NDManager inputs = NDManager.newBaseManager()) {
            List<NDArray> images = new ArrayList<>();
            Random rng = new Random(s.seed());
            for (int b : batches) {
                float[] data = new float[b * spec.channels() * spec.height() * spec.width()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) rng.nextGaussian();
                }
                images.add(inputs.create(data, new Shape(b, spec.channels(), spec.height(), spec.width())));
            }
            for (int round = -s.warmup(); round < s.runs(); round++) {
                for (int m = 0; m < n; m++) {
                    for (int k = 0; k < batches.size(); k++) {
                        double seconds = subjects.get(m).runner().seconds(images.get(k));
                        if (round >= 0) {
                            rates[m][k][round] = batches.get(k) / seconds;
                        }
                    }
                }
                if (round >= 0) {
                    progress.accept(round + 1);
                }
            }
        }
        List<VisionBenchResult> out = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            Map<Integer, Timing> perBatch = new LinkedHashMap<>();
            for (int k = 0; k < batches.size(); k++) {
                perBatch.put(batches.get(k), new Timing(rates[m][k]));
            }
            Subject x = subjects.get(m);
            out.add(new VisionBenchResult(x.name(), facts(x.model(), x.fileBytes()), perBatch));
        }
        return out;
    }

    private static double once(VisionModel model, NDArray images) {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray x = images.duplicate();
            x.attach(scope);
            long t0 = System.nanoTime();
            NDArray y = model.forward(x);
            y.toFloatArray(); // wait for the result
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * Parameters, nonzero parameters and MACs per image as {@code prune --arch} counts them ({@link MacCounter}:
     * convolutions, linear layers and, for the ViT, the fused in-projection and the attention products).
     */
    static ModelFacts facts(VisionModel model, long fileBytes) {
        long params = 0;
        long nonzero = 0;
        for (Parameter p : model.namedParameters().values()) {
            params += p.numel();
            nonzero += LlmBenchmark.nonzero(p.value());
        }
        VisionSpec spec = model.spec();
        long macs = MacCounter.total(model, model::forward, new Shape(spec.channels(), spec.height(), spec.width()));
        return new ModelFacts(params, nonzero, macs, fileBytes);
    }
}
