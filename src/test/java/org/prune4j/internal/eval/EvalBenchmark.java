package org.prune4j.internal.eval;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.ReferenceFixture;

/**
 * Not a test: prints the wall-clock time of the reference 64×256 stories260K evaluation for several
 * batch sizes (median of 3 after a warm-up). Run with the test classpath:
 * {@code java -cp target/classes:target/test-classes:<deps> org.prune4j.internal.eval.EvalBenchmark}.
 */
public final class EvalBenchmark {
    private EvalBenchmark() {}

    public static void main(String[] args) {
        int[][] ids = ReferenceFixture.rows("eval_ids");
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
            new Perplexity(model).evaluate(ids);
            for (int batch : new int[] {0, 1, 4, 16, 64}) {
                double[] t = new double[3];
                double ppl = 0;
                for (int i = 0; i < t.length; i++) {
                    Perplexity.Result r = new Perplexity(model).withBatchSize(batch).evaluate(ids);
                    t[i] = r.seconds();
                    ppl = r.ppl();
                }
                java.util.Arrays.sort(t);
                System.out.printf(Locale.ROOT, "batch %-4s ppl %.6f  median %.3f s  (%.0f tokens/s)%n",
                        batch == 0 ? "auto" : Integer.toString(batch), ppl, t[1], 64 * 255 / t[1]);
            }
        }
    }
}
