package org.prune4j.internal.prune.structured;

import org.prune4j.internal.model.llama.BlockRunner;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/**
 * The calibration sequences on prune4j's {@link BlockRunner}: embedded once, then advanced one block at
 * a time. Each sequence is its own sample with positions {@code 0..T−1}; sequences run in batches.
 */
final class CalibrationPass implements AutoCloseable {
    /** Activation floats of one batch when the batch size is automatic (small batches stay in cache: measured fastest). */
    private static final long BATCH_BUDGET_FLOATS = 2L << 20;

    private final BlockRunner runner;

    CalibrationPass(LlamaModel model, CalibrationSet calib, int batch) {
        this.runner = BlockRunner.embed(model, calib.ids(), calib.rows(), calib.seqLen(),
                batch > 0 ? batch : autoBatch(model, calib.seqLen()));
    }

    static int autoBatch(LlamaModel model, int seqLen) {
        var c = model.config();
        long perRow = (long) seqLen * seqLen * c.numHeads() + 4L * seqLen * Math.max(c.hiddenSize(), c.intermediateSize());
        return (int) Math.max(1, BATCH_BUDGET_FLOATS / perRow);
    }

    /** Runs {@code block} on every batch and drops its outputs (the hooks on it fire). */
    void observe(DecoderBlock block) {
        runner.observe(block);
    }

    /** Runs {@code block} on every batch; its outputs become the hidden states (the hooks on it fire). */
    void advance(DecoderBlock block) {
        runner.advance(block);
    }

    @Override
    public void close() {
        runner.close();
    }
}
