package org.prune4j.internal.prune.training;

import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.TrainingListener;

/**
 * Captures the weights after {@code k} training steps (Frankle et al. 2020, "Linear mode connectivity
 * and the lottery ticket hypothesis": rewinding to iteration k instead of to the initialisation); with
 * {@code k = 0} it captures the initialisation.
 */
public final class RewindPoint implements TrainingListener {
    private final long step;
    private WeightSnapshot snapshot;

    public RewindPoint(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("rewind step must be >= 0, got " + step);
        }
        this.step = step;
    }

    @Override
    public void beforeStep(long s, long totalSteps, Network network) {
        if (step >= totalSteps) {
            throw new IllegalArgumentException("rewind step " + step + " is beyond the run's " + totalSteps + " steps");
        }
        if (s == step) {
            snapshot = WeightSnapshot.capture(network.module());
        }
    }

    public long step() {
        return step;
    }

    /** The captured weights, or null before step {@code k} was reached. */
    public WeightSnapshot snapshot() {
        return snapshot;
    }
}
