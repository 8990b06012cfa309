package org.prune4j.internal.eval;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;

/**
 * Perplexity through the decode path: every row is scored token by token, each position attending to
 * what a KV cache holds (so a cache with a budget changes the result), with the protocol of {@link
 * Perplexity}: a row's loss is the mean next-token cross-entropy over its T−1 predictions, {@code ppl =
 * exp(mean over rows)}. Several caches are evaluated interleaved, row by row, so that machine noise hits
 * their timings alike.
 */
public final class DecodePerplexity {
    private DecodePerplexity() {}

    /**
     * One cache setting's result.
     *
     * @param ppl perplexity
     * @param rowLosses mean cross-entropy of every row
     * @param predictions next-token predictions scored
     * @param seconds decoding time (all rows)
     * @param peakKvBytes the most bytes of keys and values one row's cache held
     */
    public record Result(double ppl, double[] rowLosses, long predictions, double seconds, long peakKvBytes) {
        public Result {
            rowLosses = rowLosses.clone();
        }

        @Override
        public double[] rowLosses() {
            return rowLosses.clone();
        }

        /** Decoded positions per second. */
        public double tokensPerSecond() {
            return (predictions + rowLosses.length) / seconds;
        }
    }

    /**
     * Scores {@code rows} with each cache of {@code caches} ({@code (model, positions) → fresh cache}),
     * interleaved row by row; returns one result per cache, in order.
     */
    public static List<Result> evaluate(LlamaModel model, int[][] rows,
            List<BiFunction<LlamaModel, Integer, KvCache>> caches) {
        int n = caches.size();
        double[][] losses = new double[n][rows.length];
        double[] seconds = new double[n];
        long[] peak = new long[n];
        long predictions = 0;
        for (int r = 0; r < rows.length; r++) {
            int[] row = rows[r];
            predictions += row.length - 1;
            for (int c = 0; c < n; c++) {
                long start = System.nanoTime();
                try (KvCache cache = caches.get(c).apply(model, row.length)) {
                    losses[c][r] = rowLoss(model, row, cache);
                    peak[c] = Math.max(peak[c], cache.peakBytes());
                }
                seconds[c] += (System.nanoTime() - start) / 1e9;
            }
        }
        List<Result> out = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            double mean = 0;
            for (double l : losses[c]) {
                mean += l;
            }
            mean /= rows.length;
            out.add(new Result(Math.exp(mean), losses[c], predictions, seconds[c], peak[c]));
        }
        return out;
    }

    private static double rowLoss(LlamaModel model, int[] row, KvCache cache) {
        double total = 0;
        for (int t = 0; t + 1 < row.length; t++) {
            try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
                float[] logits = model.decodeStep(scope, row[t], t, cache).toFloatArray();
                total -= logSoftmax(logits, row[t + 1]);
            }
        }
        return total / (row.length - 1);
    }

    /** {@code log softmax(logits)[target]}, in double. */
    static double logSoftmax(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[target] - max - Math.log(sum);
    }
}
