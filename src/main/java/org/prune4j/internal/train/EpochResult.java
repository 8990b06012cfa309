package org.prune4j.internal.train;

/**
 * What one epoch did.
 *
 * @param epoch 1-based epoch number
 * @param step global steps done at the end of the epoch
 * @param trainLoss mean training loss over the epoch's steps
 * @param test loss and accuracy on the test set after the epoch
 * @param learningRate the learning rate of the epoch's last step
 * @param density fraction of prunable weights that are non-zero
 * @param seconds wall-clock seconds of the epoch (training and evaluation)
 */
public record EpochResult(int epoch, long step, double trainLoss, Evaluation test, double learningRate, double density,
        double seconds) {}
