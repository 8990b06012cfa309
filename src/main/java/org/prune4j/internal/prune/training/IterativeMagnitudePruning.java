package org.prune4j.internal.prune.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.prune.allocation.SparsityAllocation;
import org.prune4j.internal.train.Prunable;

/**
 * One level of iterative magnitude pruning (Frankle & Carbin 2019): after training, prune a fraction
 * {@code rate} of the weights that are still unpruned, by magnitude, spread over the tensors by an
 * allocation (uniform per layer = "layerwise", one threshold over all = "global"); then rewind the
 * survivors with {@link WeightSnapshot#rewind}. After {@code L} levels a density of {@code (1 − rate)^L}
 * remains. The training between levels is the caller's.
 */
public final class IterativeMagnitudePruning {
    private final double rate;
    private final SparsityAllocation allocation;

    public IterativeMagnitudePruning(double rate, SparsityAllocation allocation) {
        if (!(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("pruning rate must be in (0, 1), got " + rate);
        }
        this.rate = rate;
        this.allocation = allocation;
    }

    /** The overall density after {@code level} levels: {@code (1 − rate)^level}. */
    public double densityAt(int level) {
        return Math.pow(1 - rate, level);
    }

    /**
     * Prunes the trained {@code module} to the density of {@code level} (one level more than it has),
     * masking the smallest surviving magnitudes. Returns the masks.
     */
    public Map<String, PruningMask> pruneToLevel(Module module, int level) {
        Map<String, Parameter> weights = Prunable.weights(module);
        Map<String, float[]> scores = new LinkedHashMap<>();
        weights.forEach((name, p) -> scores.put(name, PrunableTensors.magnitudes(p)));
        double target = Math.min(1 - densityAt(level), Math.nextDown(1.0));
        return PrunableTensors.prune(weights, scores, allocation, target);
    }
}
