package org.prune4j.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.model.llama.AttentionContext;
import org.prune4j.model.llama.DecoderBlock;
import org.prune4j.model.llama.LlamaModel;
import org.prune4j.prune.llm.CalibrationSet;

/**
 * The hidden states of the calibration sequences between decoder blocks, advanced one block at a time
 * (the block runner of the structured methods). Each sequence is its own sample with positions
 * {@code 0..T−1}; sequences run in batches of {@code batch} rows.
 */
final class CalibrationPass implements AutoCloseable {
    private final LlamaModel model;
    private final NDManager manager;
    private final int seqLen;
    private List<NDArray> hidden;

    /** Activation floats of one batch when the batch size is automatic (small batches stay in cache: measured fastest). */
    private static final long BATCH_BUDGET_FLOATS = 2L << 20;

    CalibrationPass(LlamaModel model, CalibrationSet calib, int batch) {
        if (batch <= 0) {
            batch = autoBatch(model, calib.seqLen());
        }
        this.model = model;
        this.manager = model.manager().newSubManager();
        this.seqLen = calib.seqLen();
        this.hidden = new ArrayList<>();
        for (int from = 0; from < calib.rows(); from += batch) {
            int to = Math.min(calib.rows(), from + batch);
            NDArray ids = calib.rows(manager, from, to);
            hidden.add(model.embed(manager, ids));
            ids.close();
        }
    }

    private static int autoBatch(LlamaModel model, int seqLen) {
        var c = model.config();
        long perRow = (long) seqLen * seqLen * c.numHeads() + 4L * seqLen * Math.max(c.hiddenSize(), c.intermediateSize());
        return (int) Math.max(1, BATCH_BUDGET_FLOATS / perRow);
    }

    /** The current hidden states, one {@code [rows, T, D]} array per batch. */
    List<NDArray> hidden() {
        return hidden;
    }

    /** Runs {@code block} on the current hidden states and returns its outputs (the hooks on the block fire). */
    List<NDArray> run(DecoderBlock block) {
        List<NDArray> out = new ArrayList<>(hidden.size());
        try (NDManager scope = manager.newSubManager()) {
            AttentionContext ctx = AttentionContext.causal(model, scope, seqLen);
            for (NDArray h : hidden) {
                NDArray o = block.forward(h, ctx);
                o.attach(manager);
                out.add(o);
            }
        }
        return out;
    }

    /** Makes {@code next} (from {@link #run}) the current hidden states. */
    void advance(List<NDArray> next) {
        for (NDArray h : hidden) {
            h.close();
        }
        hidden = next;
    }

    /** Drops arrays returned by {@link #run} that will not be used. */
    static void discard(List<NDArray> arrays) {
        for (NDArray a : arrays) {
            a.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
