package org.prune4j.internal.train;

import java.util.List;

/**
 * A finished run: every epoch, the final evaluation and the best epoch by test accuracy.
 *
 * @param epochs per-epoch results in order
 */
public record TrainingResult(List<EpochResult> epochs) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("a training result needs at least one epoch");
        }
    }

    /** The last epoch. */
    public EpochResult last() {
        return epochs.get(epochs.size() - 1);
    }

    /** The epoch with the highest test accuracy (the earliest on ties). */
    public EpochResult best() {
        EpochResult best = epochs.get(0);
        for (EpochResult e : epochs) {
            if (e.test().accuracy() > best.test().accuracy()) {
                best = e;
            }
        }
        return best;
    }
}
