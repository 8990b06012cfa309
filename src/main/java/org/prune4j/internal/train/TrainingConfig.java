package org.prune4j.internal.train;

import java.nio.file.Path;

/**
 * How to train: epochs over the training loader with an optimiser and a learning-rate schedule,
 * evaluating on the test loader after every epoch. Batch size, example order and augmentation are the
 * {@link org.prune4j.internal.data.DataLoader}'s.
 *
 * @param epochs number of passes over the training set (≥ 1)
 * @param optimizer optimiser and base learning rate
 * @param schedule learning-rate multiplier over the run
 * @param checkpoint where to save the parameters and masks (safetensors) after every epoch, or null
 * @param label shown on the progress bar
 */
public record TrainingConfig(int epochs, OptimizerSettings optimizer, LearningRateSchedule schedule, Path checkpoint,
        String label) {
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        label = label == null ? "training" : label;
    }

    /** A copy with another checkpoint path and progress label. */
    public TrainingConfig withOutput(Path checkpointPath, String progressLabel) {
        return new TrainingConfig(epochs, optimizer, schedule, checkpointPath, progressLabel);
    }
}
