package org.prune4j.internal.train.lm;

import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * How a language model is trained on token windows.
 *
 * @param steps optimiser steps ({@code > 0}), or 0 to train for {@code epochs}
 * @param epochs passes over the training windows when {@code steps} is 0
 * @param batchSize windows per micro-batch
 * @param accumulation micro-batches whose gradients are summed (averaged) into one optimiser step
 * @param learningRate peak learning rate of AdamW
 * @param warmupSteps linear warm-up steps, then cosine decay to {@code minLrFactor}·peak
 * @param minLrFactor the final learning rate as a fraction of the peak
 * @param weightDecay AdamW's decoupled weight decay
 * @param clipNorm the global gradient norm is clipped to this (0: no clipping)
 * @param seed the seed of window order, initialisation and dropout
 * @param evalEvery steps between validation losses (0: only at the end)
 * @param patience stop after this many validations without improvement (0: never stop early)
 * @param checkpoint where the state is saved after every validation and resumed from when present (null: none)
 */
public record LmTrainingSettings(long steps, int epochs, int batchSize, int accumulation, double learningRate,
        long warmupSteps, double minLrFactor, double weightDecay, double clipNorm, long seed, long evalEvery,
        int patience, Path checkpoint) {
    public LmTrainingSettings {
        if (steps < 0 || (steps == 0 && epochs <= 0)) {
            throw new UserError("--steps must be >= 1 (or give --epochs >= 1), got --steps " + steps
                    + (steps == 0 ? " --epochs " + epochs : ""));
        }
        if (batchSize <= 0 || accumulation <= 0) {
            throw new UserError("--batch and --accumulate must be >= 1 (got " + batchSize + ", " + accumulation + ")");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new UserError("--lr must be > 0 (got " + learningRate + ")");
        }
        if (warmupSteps < 0 || !(minLrFactor >= 0 && minLrFactor <= 1) || !(weightDecay >= 0) || !(clipNorm >= 0)) {
            throw new UserError("--warmup, --min-lr-factor (in [0,1]), --weight-decay and --clip must be >= 0");
        }
        if (evalEvery < 0 || patience < 0) {
            throw new UserError("--eval-every and --patience must be >= 0");
        }
    }

    /** Total optimiser steps for {@code batchesPerEpoch} micro-batches per epoch. */
    public long totalSteps(int batchesPerEpoch) {
        return steps > 0 ? steps : Math.max(1, (long) epochs * batchesPerEpoch / accumulation);
    }

    /** The learning rate of step {@code step} (0-based) of {@code total}: linear warm-up, then cosine. */
    public double learningRateAt(long step, long total) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / (warmupSteps + 1);
        }
        long span = Math.max(1, total - warmupSteps - 1);
        double progress = Math.min(1, (step - warmupSteps) / (double) span);
        return learningRate * (minLrFactor + (1 - minLrFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
