package org.prune4j.api.report;

/**
 * One logged point of a training or recovery run.
 *
 * @param step the optimiser step at which the point was logged
 * @param trainLoss the mean training loss since the previous point
 * @param validationLoss the validation loss, or null when not measured at this point
 * @param learningRate the learning rate at this step
 */
public record TrainingPoint(long step, double trainLoss, Double validationLoss, double learningRate) {}
