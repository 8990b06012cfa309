package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.nn.Module;

/**
 * A classifier as the trainer and the pruning-during-training methods see it: a module tree whose
 * parameters are trained and pruned, and a forward pass from a batch of inputs to logits.
 *
 * <p>The forward pass follows the house rule of {@link Module}: its intermediates live in the manager of
 * {@code input}, so a caller that runs it inside a sub-manager frees everything by closing that manager.
 */
public interface Network {
    /** The module tree holding the parameters (and masks). */
    Module module();

    /** Logits {@code [batch, classes]} for images {@code [batch, C, H, W]}. */
    NDArray forward(NDArray input);

    /**
     * Switches between training and evaluation behaviour (dropout, batch-norm statistics); by default
     * {@link Module#train} on the module tree.
     */
    default void setTraining(boolean training) {
        module().train(training);
    }
}
