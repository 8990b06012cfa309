package org.prune4j.internal.generate;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaModel;

/**
 * Not a test: prints greedy generation speed of stories260K (200 positions from BOS, median of 5 after a
 * warm-up). Run with the test classpath: {@code java -cp ... org.prune4j.internal.generate.GenerateBenchmark}.
 */
public final class GenerateBenchmark {
    private GenerateBenchmark() {}

    public static void main(String[] args) {
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
            Generator gen = new Generator(model);
            gen.generate(new int[] {1}, 200, Sampler.greedy(), null);
            double[] tps = new double[5];
            for (int i = 0; i < tps.length; i++) {
                tps[i] = gen.generate(new int[] {1}, 200, Sampler.greedy(), null).tokensPerSecond();
            }
            java.util.Arrays.sort(tps);
            System.out.printf(Locale.ROOT, "greedy generation, 200 positions: median %.0f tokens/s (min %.0f, max %.0f)%n",
                    tps[2], tps[0], tps[4]);
        }
    }
}
