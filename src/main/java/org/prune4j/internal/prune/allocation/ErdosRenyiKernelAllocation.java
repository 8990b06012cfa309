package org.prune4j.internal.prune.allocation;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Erdős–Rényi-Kernel (ERK) allocation (Evci et al. 2020, "Rigging the Lottery"): the density of a tensor
 * is proportional to the sum of its dimensions over their product, {@code (n_in + n_out + k_h + k_w) /
 * (n_in · n_out · k_h · k_w)} for a convolution and {@code (n_in + n_out) / (n_in · n_out)} for a
 * linear layer, scaled by one factor ε so that the kept weights add up to {@code (1 − target) · N}. Small
 * layers get denser; a layer whose density would exceed 1 is kept dense and ε is solved again over the
 * others (repeatedly, until every density is at most 1). Uses only shapes, never scores.
 */
public final class ErdosRenyiKernelAllocation implements SparsityAllocation {
    private final double powerScale;

    /** ERK with the usual exponent 1. */
    public ErdosRenyiKernelAllocation() {
        this(1.0);
    }

    /** ERK with the raw densities raised to {@code powerScale} (0 gives uniform, 1 is ERK). */
    public ErdosRenyiKernelAllocation(double powerScale) {
        if (!(powerScale >= 0)) {
            throw new IllegalArgumentException("ERK power scale must be >= 0, got " + powerScale);
        }
        this.powerScale = powerScale;
    }

    /** The unnormalised ERK density of a tensor: sum of dimensions over their product, to the power scale. */
    public double rawDensity(long[] shape) {
        double sum = 0;
        double prod = 1;
        for (long d : shape) {
            sum += d;
            prod *= d;
        }
        return Math.pow(sum / prod, powerScale);
    }

    @Override
    public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
        Allocations.checkTarget(target);
        Map<String, Double> out = new LinkedHashMap<>();
        if (tensors.isEmpty()) {
            return out;
        }
        long total = 0;
        for (PrunableTensor t : tensors) {
            total += t.numel();
        }
        Set<String> dense = new HashSet<>();
        double epsilon;
        while (true) {
            double budget = (1 - target) * total;
            double divisor = 0;
            double maxRaw = 0;
            for (PrunableTensor t : tensors) {
                if (dense.contains(t.name())) {
                    budget -= t.numel();
                } else {
                    double raw = rawDensity(t.shape());
                    divisor += raw * t.numel();
                    maxRaw = Math.max(maxRaw, raw);
                }
            }
            if (divisor == 0) { // everything dense
                epsilon = 0;
                break;
            }
            epsilon = Math.max(0, budget) / divisor;
            if (maxRaw * epsilon <= 1) {
                break;
            }
            for (PrunableTensor t : tensors) {
                if (!dense.contains(t.name()) && rawDensity(t.shape()) == maxRaw) {
                    dense.add(t.name());
                }
            }
        }
        for (PrunableTensor t : tensors) {
            double density = dense.contains(t.name()) ? 1 : epsilon * rawDensity(t.shape());
            out.put(t.name(), Math.min(1 - density, Math.nextDown(1.0)));
        }
        return out;
    }

    @Override
    public String name() {
        return "erk";
    }
}
