package org.prune4j.internal.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.BlockRunner;
import org.prune4j.internal.model.llama.BlockSource;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.report.ProgressBar;
import org.prune4j.internal.tokenizer.Tokenizer;

/**
 * Perplexity of a causal language model, by the protocol of the pruning literature (Wanda's and
 * SparseGPT's {@code eval_ppl}):
 * <ul>
 *   <li>each row of token ids {@code [rows, T]} is scored on its own: a fresh context, positions
 *       {@code 0..T-1}, causal attention, no token added;</li>
 *   <li>{@code loss_i = mean_{t=0..T-2} −log softmax(logits_t)[id_{t+1}]} (fp32 log-softmax);</li>
 *   <li>{@code ppl = exp(mean_i loss_i)}.</li>
 * </ul>
 * Rows are run in batches small enough to bound memory (see {@link #withBatchSize}).
 */
public final class Perplexity {
    /** Activation memory for one batch when the batch size is automatic (small batches stay in cache: measured fastest). */
    private static final long BATCH_BUDGET_BYTES = 32L << 20;

    private final LlamaModel model;
    private final int batchSize;

    /** Perplexity of {@code model}, with an automatic batch size. */
    public Perplexity(LlamaModel model) {
        this(model, 0);
    }

    private Perplexity(LlamaModel model, int batchSize) {
        this.model = model;
        this.batchSize = batchSize;
    }

    /** The same evaluation with {@code rows} rows per forward pass ({@code ≤ 0}: automatic). */
    public Perplexity withBatchSize(int rows) {
        return new Perplexity(model, rows);
    }

    /**
     * The result of an evaluation.
     *
     * @param ppl perplexity, {@code exp(mean of rowLosses)}
     * @param tokens tokens scored ({@code rows · (T − 1)})
     * @param seconds wall-clock time of the forward passes and losses
     * @param rowLosses mean cross-entropy (nats) of every row, in order
     * @param seqLen tokens per row
     */
    public record Result(double ppl, long tokens, double seconds, double[] rowLosses, int seqLen) {
        public Result {
            rowLosses = rowLosses.clone();
        }

        @Override
        public double[] rowLosses() {
            return rowLosses.clone();
        }

        /** Number of rows (windows) scored. */
        public int rows() {
            return rowLosses.length;
        }

        /** Mean loss in nats per token ({@code ln ppl}). */
        public double meanLoss() {
            return Math.log(ppl);
        }
    }

    /**
     * Scores {@code text}: tokenized once with BOS at the start, cut into non-overlapping windows of
     * {@code seqLen} tokens (the remainder dropped), at most {@code maxWindows} ({@code ≤ 0}: all).
     */
    public Result evaluateText(Tokenizer tokenizer, String text, int seqLen, int maxWindows) {
        int[] stream = tokenizer.encode(text, true, false);
        return evaluate(TokenWindows.split(stream, seqLen, maxWindows));
    }

    /**
     * Scores every row of {@code rows} (all of the same length {@code T}, {@code 2 ≤ T ≤} the context).
     *
     * @throws UserError on ragged rows, a bad length, or an id outside the vocabulary
     */
    public Result evaluate(int[][] rows) {
        int seqLen = validate(rows);
        int batch = batchSize > 0 ? batchSize : autoBatch(seqLen);
        double[] losses = new double[rows.length];
        long t0 = System.nanoTime();
        try (ProgressBar bar = ProgressBar.start("perplexity", rows.length)) {
            for (int start = 0; start < rows.length; start += batch) {
                int n = Math.min(batch, rows.length - start);
                float[] l = batchLosses(rows, start, n, seqLen);
                for (int i = 0; i < n; i++) {
                    losses[start + i] = l[i];
                }
                bar.step(n);
            }
        }
        return result(losses, seqLen, (System.nanoTime() - t0) / 1e9);
    }

    /** Mean next-token cross-entropy of rows {@code start..start+n-1}. */
    private float[] batchLosses(int[][] rows, int start, int n, int seqLen) {
        int[] flat = new int[n * seqLen];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[start + i], 0, flat, i * seqLen, seqLen);
        }
        try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
            NDArray ids = scope.create(flat, new Shape(n, seqLen));
            return meanNextTokenLoss(model.logits(scope, ids), ids, seqLen);
        }
    }

    /** Mean next-token cross-entropy of every row: logits {@code [n, T, V]}, ids {@code [n, T]}. */
    private static float[] meanNextTokenLoss(NDArray logits, NDArray ids, int seqLen) {
        NDArray logProbs = logits.get(new NDIndex(":, 0:{}, :", seqLen - 1)).logSoftmax(2);
        NDArray targets = ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).expandDims(2);
        NDArray nll = logProbs.gather(targets, 2).squeeze(2).neg(); // [n, T-1]
        return nll.mean(new int[] {1}).toFloatArray();
    }

    /**
     * Scores {@code rows} with the decoder blocks streamed from {@code blocks} one at a time ({@code model}
     * may be a {@link LlamaModel#loadShell shell}: only its embedding, final norm and classifier are
     * used). Peak memory is one block's weights plus the activations of all rows; the result equals
     * {@link #evaluate} on the loaded model.
     */
    public Result evaluate(int[][] rows, BlockSource blocks) {
        int seqLen = validate(rows);
        int batch = batchSize > 0 ? batchSize : autoBatch(seqLen);
        long t0 = System.nanoTime();
        double[] losses = new double[rows.length];
        int[] flat = new int[rows.length * seqLen];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * seqLen, seqLen);
        }
        try (BlockRunner runner = BlockRunner.embed(model, flat, rows.length, seqLen, batch);
                ProgressBar bar = ProgressBar.start("perplexity", blocks.size() + 1L)) {
            runner.forEachBlock(blocks, bar, (block, r) -> {
                r.advance(block);
                return false;
            });
            int row = 0;
            List<NDArray> hidden = runner.activations();
            for (int k = 0; k < hidden.size(); k++) {
                try (NDManager scope = runner.activationManager().newSubManager()) {
                    NDArray h = hidden.get(k);
                    h.tempAttach(scope);
                    float[] l = meanNextTokenLoss(model.head(h), runner.ids().get(k), seqLen);
                    for (float v : l) {
                        losses[row++] = v;
                    }
                }
            }
            bar.step();
        }
        return result(losses, seqLen, (System.nanoTime() - t0) / 1e9);
    }

    private static Result result(double[] losses, int seqLen, double seconds) {
        double mean = 0;
        for (double l : losses) {
            mean += l;
        }
        mean /= losses.length;
        return new Result(Math.exp(mean), (long) losses.length * (seqLen - 1), seconds, losses, seqLen);
    }

    private int validate(int[][] rows) {
        if (rows.length == 0) {
            throw new UserError("nothing to evaluate: no rows of token ids");
        }
        int seqLen = rows[0].length;
        int context = model.config().maxPositions();
        if (seqLen < 2) {
            throw new UserError("sequence length " + seqLen + ": perplexity needs at least 2 tokens per row");
        }
        if (seqLen > context) {
            throw new UserError("sequence length " + seqLen + " is longer than the model's context of " + context
                    + " positions");
        }
        long vocab = model.backbone().embedTokens().vocabSize();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != seqLen) {
                throw new UserError("row " + r + " has " + rows[r].length + " tokens, row 0 has " + seqLen);
            }
            for (int t = 0; t < seqLen; t++) {
                if (rows[r][t] < 0 || rows[r][t] >= vocab) {
                    throw new UserError("token id " + rows[r][t] + " at row " + r + ", position " + t
                            + " is outside the vocabulary of " + vocab + " tokens");
                }
            }
        }
        return seqLen;
    }

    /** Rows per batch so that the largest activations (logits, attention scores, MLP) fit the budget. */
    private int autoBatch(int seqLen) {
        long vocab = model.backbone().embedTokens().vocabSize();
        long perRow = 0;
        for (DecoderBlock b : model.blocks()) {
            long attention = 4L * b.selfAttn().numHeads() * seqLen * seqLen;
            long mlp = 6L * Math.max(b.mlp().intermediateSize(), model.config().hiddenSize()) * seqLen;
            perRow = Math.max(perRow, attention + mlp);
        }
        perRow = Math.max(perRow, 3L * vocab * seqLen) * Float.BYTES;
        return (int) Math.max(1, Math.min(64, BATCH_BUDGET_BYTES / perRow));
    }
}
