package org.prune4j.internal.prune.training;

import java.util.Map;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.prune.allocation.SparsityAllocation;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.Prunable;

/**
 * The lifecycle of pruning at initialisation: score the untrained network with a {@link Saliency},
 * allocate the target sparsity over its weights, mask the lowest scores — once ({@link #oneShot}: SNIP,
 * GraSP, random) or over several rounds with re-scoring in between ({@link #iterative}: SynFlow).
 */
public final class PruningAtInitialization {
    private PruningAtInitialization() {}

    /** Scores once and prunes the network's weights to {@code target}. Returns the masks. */
    public static Map<String, PruningMask> oneShot(Network network, Saliency saliency, SparsityAllocation allocation,
            double target) {
        Map<String, Parameter> weights = Prunable.weights(network.module());
        return PrunableTensors.prune(weights, saliency.scores(network, weights), allocation, target);
    }

    /**
     * Prunes in {@code rounds} rounds with the exponential schedule of SynFlow: after round {@code j} the
     * density is {@code (1 − target)^(j / rounds)}; scores are recomputed on the masked network before
     * every round.
     */
    public static Map<String, PruningMask> iterative(Network network, Saliency saliency, SparsityAllocation allocation,
            double target, int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        Map<String, Parameter> weights = Prunable.weights(network.module());
        Map<String, PruningMask> masks = null;
        for (int j = 1; j <= rounds; j++) {
            double sparsity = 1 - Math.pow(1 - target, j / (double) rounds);
            masks = PrunableTensors.prune(weights, saliency.scores(network, weights), allocation, Math.min(sparsity, target));
        }
        return masks;
    }
}
