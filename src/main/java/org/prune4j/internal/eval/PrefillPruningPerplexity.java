package org.prune4j.internal.eval;

import ai.djl.ndarray.NDManager;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.TokenPruningPrefill;

/**
 * Perplexity of a continuation after a prefill with cascade token pruning ({@link TokenPruningPrefill}),
 * next to the same prefill without pruning, rows interleaved: every row's first {@code promptTokens} tokens
 * are the prompt, the rest the continuation; a row's loss is the mean cross-entropy of the continuation's
 * tokens (the first predicted from the prompt's last logits, the others through the decode path), {@code
 * ppl = exp(mean over rows)}. Prefill throughput is prompt tokens per second of prefill time, measured after
 * the scoring in {@value #TIMING_ROUNDS} interleaved rounds (each round prefills every row's prompt with each setting,
 * after one warm-up round; {@link InterleavedTiming}), median.
 */
public final class PrefillPruningPerplexity {
    /** Timed rounds of the prefill throughput measurement. */
    static final int TIMING_ROUNDS = 5;

    private PrefillPruningPerplexity() {}

    /**
     * One setting's result.
     *
     * @param ppl continuation perplexity
     * @param rowLosses mean continuation cross-entropy of every row
     * @param prefillTokensPerSecond prompt tokens per second of prefill
     * @param tokensPerBlock tokens entering each block (of the last row; every row has the same counts)
     */
    public record Result(double ppl, double[] rowLosses, double prefillTokensPerSecond, int[] tokensPerBlock) {
        public Result {
            rowLosses = rowLosses.clone();
            tokensPerBlock = tokensPerBlock.clone();
        }

        @Override
        public double[] rowLosses() {
            return rowLosses.clone();
        }

        @Override
        public int[] tokensPerBlock() {
            return tokensPerBlock.clone();
        }
    }

    /** Evaluates without pruning (index 0) and with the {@code keep} shares per block (index 1). */
    public static Result[] evaluate(LlamaModel model, int[][] rows, int promptTokens, double[] keep) {
        double[] none = new double[keep.length];
        java.util.Arrays.fill(none, 1.0);
        double[][] settings = {none, keep};
        double[][] losses = new double[2][rows.length];
        int[][] tokens = new int[2][];
        for (int r = 0; r < rows.length; r++) {
            int[] row = rows[r];
            int[] prompt = java.util.Arrays.copyOf(row, promptTokens);
            for (int s = 0; s < 2; s++) {
                try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
                    TokenPruningPrefill.Result pre = TokenPruningPrefill.run(model, scope, prompt, settings[s], row.length);
                    float[] logits = pre.lastLogits().toFloatArray();
                    tokens[s] = pre.tokensPerBlock();
                    try (KvCache cache = pre.cache()) {
                        double total = -DecodePerplexity.logSoftmax(logits, row[promptTokens]);
                        for (int t = promptTokens; t + 1 < row.length; t++) {
                            try (NDManager step = scope.newSubManager()) {
                                float[] next = model.decodeStep(step, row[t], t, cache).toFloatArray();
                                total -= DecodePerplexity.logSoftmax(next, row[t + 1]);
                            }
                        }
                        losses[s][r] = total / (row.length - promptTokens);
                    }
                }
            }
        }
        java.util.List<InterleavedTiming.Seconds> seconds = InterleavedTiming.measure(
                java.util.List.of(() -> prefillAll(model, rows, promptTokens, settings[0]),
                        () -> prefillAll(model, rows, promptTokens, settings[1])), 1, TIMING_ROUNDS);
        Result[] out = new Result[2];
        for (int s = 0; s < 2; s++) {
            double mean = java.util.Arrays.stream(losses[s]).average().orElse(Double.NaN);
            out[s] = new Result(Math.exp(mean), losses[s], (double) promptTokens * rows.length / seconds.get(s).median(),
                    tokens[s]);
        }
        return out;
    }

    /** Prefills every row's prompt with one setting (the timed work: blocks, pruning, the prompt's last logits). */
    private static void prefillAll(LlamaModel model, int[][] rows, int promptTokens, double[] keep) {
        for (int[] row : rows) {
            try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
                TokenPruningPrefill.Result pre = TokenPruningPrefill.run(model, scope,
                        java.util.Arrays.copyOf(row, promptTokens), keep, row.length);
                pre.lastLogits().toFloatArray();
                pre.cache().close();
            }
        }
    }
}
