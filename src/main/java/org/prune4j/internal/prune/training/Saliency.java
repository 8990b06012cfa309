package org.prune4j.internal.prune.training;

import java.util.Map;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Network;

/**
 * The math of a pruning-at-initialisation criterion: an importance score for every entry of every
 * prunable weight (higher = keep), computed from the network as it is (masked entries are zero).
 * {@link PruningAtInitialization} is the lifecycle that turns scores into masks.
 */
interface Saliency {
    /** Scores by weight name, each in the tensor's row-major order. */
    Map<String, float[]> scores(Network network, Map<String, Parameter> weights);

    /** Short name for reports ({@code snip}, {@code grasp}, {@code synflow}, {@code random}). */
    String name();
}
