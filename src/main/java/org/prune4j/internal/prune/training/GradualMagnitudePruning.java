package org.prune4j.internal.prune.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.prune.allocation.SparsityAllocation;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.Prunable;
import org.prune4j.internal.train.TrainingListener;

/**
 * Gradual magnitude pruning during training (Zhu & Gupta 2017): at every pruning step of a
 * {@link CubicSparsitySchedule} the weights with the smallest magnitudes are masked until the schedule's
 * sparsity is reached, spread over the tensors by a {@link SparsityAllocation} (uniform per layer in
 * the paper). Masks only grow; the trainer keeps masked weights at zero between pruning steps.
 */
public final class GradualMagnitudePruning implements TrainingListener {
    private final CubicSparsitySchedule schedule;
    private final SparsityAllocation allocation;
    private double current;

    public GradualMagnitudePruning(CubicSparsitySchedule schedule, SparsityAllocation allocation) {
        this.schedule = schedule;
        this.allocation = allocation;
    }

    @Override
    public void beforeStep(long step, long totalSteps, Network network) {
        if (!schedule.isPruningStep(step)) {
            return;
        }
        double target = schedule.sparsityAt(step);
        if (target <= current && current > 0) {
            return;
        }
        pruneTo(network, target);
    }

    /** Masks the smallest-magnitude weights of {@code network} to overall sparsity {@code target}. */
    public void pruneTo(Network network, double target) {
        Map<String, Parameter> weights = Prunable.weights(network.module());
        Map<String, float[]> scores = new LinkedHashMap<>();
        weights.forEach((name, p) -> scores.put(name, PrunableTensors.magnitudes(p)));
        PrunableTensors.prune(weights, scores, allocation, target);
        current = target;
    }

    /** The sparsity of the last pruning step (0 before the first). */
    public double currentSparsity() {
        return current;
    }
}
