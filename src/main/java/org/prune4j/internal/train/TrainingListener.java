package org.prune4j.internal.train;

import java.util.List;

/**
 * Callbacks from the {@link Trainer}: pruning schedules change masks before a step, rewinding captures
 * the weights at an iteration, experiments log epochs.
 */
public interface TrainingListener {
    /** Called before the update of global step {@code step} (0-based), i.e. after {@code step} updates. */
    default void beforeStep(long step, long totalSteps, Network network) {}

    /** Called after the last step, with the weights as trained (before the final evaluation). */
    default void afterTraining(long totalSteps, Network network) {}

    /** Called after every epoch's evaluation. */
    default void afterEpoch(EpochResult result) {}

    /** A listener that does nothing. */
    static TrainingListener none() {
        return new TrainingListener() {};
    }

    /** All of {@code listeners}, called in order. */
    static TrainingListener all(TrainingListener... listeners) {
        List<TrainingListener> ls = List.of(listeners);
        return new TrainingListener() {
            @Override
            public void beforeStep(long step, long totalSteps, Network network) {
                ls.forEach(l -> l.beforeStep(step, totalSteps, network));
            }

            @Override
            public void afterTraining(long totalSteps, Network network) {
                ls.forEach(l -> l.afterTraining(totalSteps, network));
            }

            @Override
            public void afterEpoch(EpochResult result) {
                ls.forEach(l -> l.afterEpoch(result));
            }
        };
    }
}
