package org.prune4j.train;

import java.nio.file.Path;

/**
 * How to train: epochs over the training set in seeded mini-batches, with an optimiser and a learning-rate
 * schedule, evaluating on the test set after every epoch.
 *
 * @param epochs number of passes over the training set (≥ 1)
 * @param batchSize examples per step (the last batch of an epoch may be smaller)
 * @param optimizer optimiser and base learning rate
 * @param schedule learning-rate multiplier over the run
 * @param seed seeds the example order (each epoch's permutation depends only on seed and epoch)
 * @param evalBatchSize examples per evaluation batch
 * @param checkpoint where to save the parameters and masks (safetensors) after every epoch, or null
 * @param label shown on the progress bar
 */
public record TrainingConfig(int epochs, int batchSize, OptimizerSettings optimizer, LearningRateSchedule schedule,
        long seed, int evalBatchSize, Path checkpoint, String label) {
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1 || evalBatchSize < 1) {
            throw new IllegalArgumentException("batch sizes must be >= 1");
        }
        label = label == null ? "training" : label;
    }

    /** A copy with another checkpoint path and progress label. */
    public TrainingConfig withOutput(Path checkpointPath, String progressLabel) {
        return new TrainingConfig(epochs, batchSize, optimizer, schedule, seed, evalBatchSize, checkpointPath, progressLabel);
    }

    /** Steps in one epoch over {@code examples} examples. */
    public long stepsPerEpoch(int examples) {
        return (examples + batchSize - 1) / batchSize;
    }

    /** Steps in the whole run. */
    public long totalSteps(int examples) {
        return stepsPerEpoch(examples) * epochs;
    }
}
