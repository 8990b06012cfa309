package org.prune4j.internal.experiment;

/**
 * One line of {@code results.csv}: a trained network at one level of sparsity.
 *
 * @param level pruning level (0 = dense, or the single row of a {@code train} run)
 * @param density fraction of prunable weights remaining
 * @param testAccuracy test accuracy after the last epoch, in [0, 1]
 * @param bestAccuracy the highest test accuracy over the epochs
 * @param bestEpoch the epoch of {@code bestAccuracy} (1-based)
 * @param seconds wall-clock seconds of the level's training
 */
public record ResultRow(int level, double density, double testAccuracy, double bestAccuracy, int bestEpoch,
        double seconds) {}
