package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.prune4j.internal.report.ProgressBar;

/**
 * prune4j's one block-by-block loop, shared by calibration, pruning and evaluation: token ids are
 * embedded once (in batches), then each decoder block of a {@link BlockSource} is opened in turn and
 * handed to a {@link BlockStep}, which may {@linkplain #observe observe} it (forward hooks see every
 * batch), change its weights, and {@linkplain #advance advance} the activations through it. Peak memory
 * is one block's weights (when streamed) plus the activations of every row, twice during a pass.
 *
 * <p>A runner without activations ({@link #withoutActivations}) serves data-free passes such as magnitude
 * pruning.
 */
public final class BlockRunner implements AutoCloseable {
    private final LlamaModel frame;
    private final NDManager acts;
    private final AttentionContext ctx;
    private final List<NDArray> ids;
    private final List<NDArray> hidden;

    /** What to do with each block. */
    @FunctionalInterface
    public interface BlockStep {
        /**
         * Works on block {@code block} (its weights live until the step returns) and says whether its
         * weights changed: a changed block is {@linkplain BlockSource#save saved} to the source.
         */
        boolean visit(DecoderBlock block, BlockRunner runner);
    }

    private BlockRunner(LlamaModel frame, NDManager acts, AttentionContext ctx, List<NDArray> ids, List<NDArray> hidden) {
        this.frame = frame;
        this.acts = acts;
        this.ctx = ctx;
        this.ids = ids;
        this.hidden = hidden;
    }

    /**
     * Embeds {@code rows} sequences of {@code seqLen} ids ({@code ids} row-major) in batches of
     * {@code batchSize} rows. {@code frame} supplies the embedding and rotary tables (a
     * {@link LlamaModel#loadShell shell} is enough).
     */
    public static BlockRunner embed(LlamaModel frame, int[] ids, int rows, int seqLen, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        if ((long) rows * seqLen != ids.length) {
            throw new IllegalArgumentException(ids.length + " ids are not " + rows + "x" + seqLen);
        }
        NDManager acts = NDManager.newBaseManager(frame.manager().getDevice());
        try {
            AttentionContext ctx = AttentionContext.causal(frame, acts, seqLen);
            List<NDArray> idBatches = new ArrayList<>();
            List<NDArray> hidden = new ArrayList<>();
            for (int from = 0; from < rows; from += batchSize) {
                int to = Math.min(rows, from + batchSize);
                int[] slice = java.util.Arrays.copyOfRange(ids, from * seqLen, to * seqLen);
                NDArray id = acts.create(slice, new Shape(to - from, seqLen));
                idBatches.add(id);
                hidden.add(frame.embed(acts, id));
            }
            return new BlockRunner(frame, acts, ctx, idBatches, hidden);
        } catch (RuntimeException e) {
            acts.close();
            throw e;
        }
    }

    /** A runner that opens blocks but carries no activations (data-free passes). */
    public static BlockRunner withoutActivations(LlamaModel frame) {
        return new BlockRunner(frame, NDManager.newBaseManager(frame.manager().getDevice()), null, List.of(), null);
    }

    /**
     * Opens every block of {@code source} in turn, in a manager of its own, and runs {@code step} on it;
     * saves the blocks whose step reports a change. {@code bar} (may be null) steps once per block.
     */
    public void forEachBlock(BlockSource source, ProgressBar bar, BlockStep step) {
        for (int i = 0; i < source.size(); i++) {
            try (NDManager blockWeights = frame.manager().newSubManager()) {
                DecoderBlock block = source.open(i, blockWeights);
                if (step.visit(block, this)) {
                    source.save(block);
                }
            }
            if (bar != null) {
                bar.step();
            }
        }
    }

    /** Runs {@code block} on every batch and drops the outputs: forward hooks see every input. */
    public void observe(DecoderBlock block) {
        observe(block, () -> {});
    }

    /** The same, calling {@code beforeEachBatch} before each batch (e.g. to reset per-batch hook state). */
    public void observe(DecoderBlock block, Runnable beforeEachBatch) {
        requireActivations();
        for (NDArray h : hidden) {
            beforeEachBatch.run();
            try (NDManager scope = acts.newSubManager()) {
                h.tempAttach(scope);
                block.forward(h, ctx);
            }
        }
    }

    /** Runs {@code block} on every batch; its outputs become the activations (the inputs are freed). */
    public void advance(DecoderBlock block) {
        requireActivations();
        for (int k = 0; k < hidden.size(); k++) {
            NDArray h = hidden.get(k);
            try (NDManager scope = acts.newSubManager()) {
                h.tempAttach(scope);
                NDArray y = block.forward(h, ctx);
                y.attach(acts);
                hidden.set(k, y);
            }
            h.close();
        }
    }

    /** True when the runner carries activations. */
    public boolean hasActivations() {
        return hidden != null;
    }

    /** The current activations, one {@code [rows, T, D]} array per batch (owned by the runner). */
    public List<NDArray> activations() {
        requireActivations();
        return Collections.unmodifiableList(hidden);
    }

    /** The token ids of each batch, {@code [rows, T]} int32 (owned by the runner). */
    public List<NDArray> ids() {
        return Collections.unmodifiableList(ids);
    }

    /** A sub-manager of the activations' manager, for work on them (e.g. statistics). */
    public NDManager activationManager() {
        return acts;
    }

    private void requireActivations() {
        if (hidden == null) {
            throw new IllegalStateException("this block runner carries no activations");
        }
    }

    /** Frees the activations. */
    @Override
    public void close() {
        acts.close();
    }
}
