package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.data.Batch;

/**
 * What a training step minimises: a differentiable scalar computed from the network on a batch (in the
 * manager of the batch's images).
 */
@FunctionalInterface
public interface TrainingObjective {
    /** Mean softmax cross-entropy of the network's logits against the labels. */
    TrainingObjective CROSS_ENTROPY = (network, batch) -> CrossEntropy.mean(network.forward(batch.images()), batch.labels());

    /** The loss of {@code network} on {@code batch}. */
    NDArray loss(Network network, Batch batch);
}
