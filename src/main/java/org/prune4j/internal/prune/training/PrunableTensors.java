package org.prune4j.internal.prune.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.allocation.PrunableTensor;
import org.prune4j.internal.prune.allocation.SparsityAllocation;

/**
 * Connects module parameters to {@link SparsityAllocation}: describes them as {@link PrunableTensor}s
 * (each its own group) and turns the allocation's per-tensor sparsities plus scores into masks.
 */
public final class PrunableTensors {
    private PrunableTensors() {}

    /** The weights as allocation inputs, with scores from {@code scores} (computed on demand). */
    public static List<PrunableTensor> describe(Map<String, Parameter> weights, Function<String, float[]> scores) {
        List<PrunableTensor> out = new ArrayList<>();
        int group = 0;
        for (Map.Entry<String, Parameter> e : weights.entrySet()) {
            String name = e.getKey();
            out.add(new PrunableTensor(name, group++, e.getValue().value().getShape().getShape(), () -> scores.apply(name)));
        }
        return out;
    }

    /** |W| of a parameter (pruned entries are 0), row-major. */
    public static float[] magnitudes(Parameter p) {
        float[] w = p.value().toFloatArray();
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.abs(w[i]);
        }
        return w;
    }

    /** The current mask (nothing pruned when the parameter has none). */
    public static PruningMask currentMask(Parameter p) {
        return PruningMask.of(p);
    }

    /**
     * Allocates {@code target} over {@code weights} with {@code allocation}, then masks each tensor by its
     * {@code scores} (lowest pruned first, already-pruned entries before all others). Returns the new
     * masks by name; they are also set on the parameters.
     */
    public static Map<String, PruningMask> prune(Map<String, Parameter> weights, Map<String, float[]> scores,
            SparsityAllocation allocation, double target) {
        Map<String, Double> sparsity = allocation.allocate(describe(weights, scores::get), target);
        Map<String, PruningMask> masks = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : weights.entrySet()) {
            Parameter p = e.getValue();
            Double s = sparsity.get(e.getKey());
            if (s == null) {
                throw new IllegalStateException(allocation.name() + " allocation gave no sparsity for " + e.getKey());
            }
            PruningMask previous = p.mask() == null ? null : PruningMask.of(p);
            long k = MaskSelection.pruneCount(s, p.numel());
            if (previous != null) {
                k = Math.max(k, previous.prunedCount());
            }
            PruningMask mask = MaskSelection.select(scores.get(e.getKey()), previous, k,
                    p.value().getShape().getShape());
            mask.applyTo(p);
            masks.put(e.getKey(), mask);
        }
        return masks;
    }


    /** Fraction of all entries of {@code weights} their masks keep. */
    public static double density(Map<String, Parameter> weights) {
        long total = 0;
        long kept = 0;
        for (Parameter p : weights.values()) {
            total += p.numel();
            kept += p.numel() - (p.mask() == null ? 0 : PruningMask.of(p).prunedCount());
        }
        return total == 0 ? 1 : kept / (double) total;
    }
}
