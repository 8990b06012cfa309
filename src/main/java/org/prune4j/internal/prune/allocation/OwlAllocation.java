package org.prune4j.internal.prune.allocation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.prune4j.UserError;

/**
 * OWL, Outlier Weighed Layerwise sparsity (Yin et al. 2023, "Outlier Weighed Layerwise Sparsity
 * (OWL): A Missing Secret Sauce for Pruning LLMs to High Sparsity"): decoder blocks with more
 * activation outliers are pruned less.
 *
 * <p>The tensors' scores are their Wanda metrics {@code |W| · sqrt(scaler_row)}, and
 * {@link PrunableTensor#group()} is the decoder block. For each group:
 * <ol>
 *   <li>outlier ratio {@code D_g} = share of the group's pooled metric values that are
 *       {@code > M · mean} of those values ({@code M = 5} by default; the reference code's
 *       {@code check_outlier_mean});</li>
 *   <li>{@code r_g = (D_g − min D) / (max D − min D) · 2λ} ({@code λ = 0.08} by default), so
 *       {@code r_g ∈ [0, 2λ]};</li>
 *   <li>density {@code = r_g − mean(r) + (1 − target)}, i.e. sparsity
 *       {@code s_g = target − r_g + mean(r)}: groups with more outliers get a lower sparsity.</li>
 * </ol>
 * The reference (luuyin/OWL {@code prune_wanda_outlier}) takes the <em>unweighted</em> mean over
 * blocks; here the mean is weighted by each group's parameter count, so that the parameter-weighted
 * sparsity equals the target as {@link SparsityAllocation} promises. For LLMs, whose blocks all have
 * the same size, the two are identical. When all ratios are equal every group gets the target.
 * A resulting sparsity outside [0, 1) is a {@link UserError} (lower λ or the target).
 *
 * <p>Streaming: each tensor's scores supplier is called twice (the group mean, then the count above
 * the threshold), one tensor at a time.
 */
public final class OwlAllocation implements SparsityAllocation {
    /** The paper's defaults. */
    public static final double DEFAULT_M = 5.0;
    public static final double DEFAULT_LAMBDA = 0.08;

    private final double outlierMultiplier;
    private final double lambda;

    /** M = 5, λ = 0.08. */
    public OwlAllocation() {
        this(DEFAULT_M, DEFAULT_LAMBDA);
    }

    /**
     * @param outlierMultiplier M: a value is an outlier when larger than M times its group's mean
     * @param lambda the sparsities span {@code [target − λ·…, target + λ·…]}, width 2λ
     */
    public OwlAllocation(double outlierMultiplier, double lambda) {
        if (!(outlierMultiplier > 0)) {
            throw new UserError("--owl-m " + outlierMultiplier + ": must be positive");
        }
        if (!(lambda >= 0 && lambda < 0.5)) {
            throw new UserError("--owl-lambda " + lambda + ": must be in [0, 0.5)");
        }
        this.outlierMultiplier = outlierMultiplier;
        this.lambda = lambda;
    }

    /** The outlier ratio (fraction in [0, 1], not percent) of each group, by group id ascending. */
    public Map<Integer, Double> outlierRatios(List<PrunableTensor> tensors) {
        Map<Integer, List<PrunableTensor>> groups = groups(tensors);
        Map<Integer, Double> out = new TreeMap<>();
        for (Map.Entry<Integer, List<PrunableTensor>> g : groups.entrySet()) {
            double sum = 0;
            long n = 0;
            for (PrunableTensor t : g.getValue()) {
                if (t.numel() == 0) {
                    continue;
                }
                for (float v : Allocations.scores(t)) {
                    sum += v;
                }
                n += t.numel();
            }
            if (n == 0) {
                out.put(g.getKey(), 0.0);
                continue;
            }
            double threshold = outlierMultiplier * (sum / n);
            long count = 0;
            for (PrunableTensor t : g.getValue()) {
                if (t.numel() == 0) {
                    continue;
                }
                for (float v : Allocations.scores(t)) {
                    if (v > threshold) {
                        count++;
                    }
                }
            }
            out.put(g.getKey(), count / (double) n);
        }
        return out;
    }

    /** The sparsity of each group, by group id ascending. */
    public Map<Integer, Double> groupSparsities(List<PrunableTensor> tensors, double target) {
        Allocations.checkTarget(target);
        Map<Integer, List<PrunableTensor>> groups = groups(tensors);
        Map<Integer, Double> ratios = outlierRatios(tensors);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double d : ratios.values()) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        Map<Integer, Double> out = new TreeMap<>();
        if (!(max > min)) {
            ratios.keySet().forEach(g -> out.put(g, target));
            return out;
        }
        Map<Integer, Double> r = new TreeMap<>();
        double weighted = 0;
        double params = 0;
        for (Map.Entry<Integer, Double> e : ratios.entrySet()) {
            double rg = (e.getValue() - min) / (max - min) * 2 * lambda;
            r.put(e.getKey(), rg);
            long n = groups.get(e.getKey()).stream().mapToLong(PrunableTensor::numel).sum();
            weighted += rg * n;
            params += n;
        }
        double mean = params == 0 ? 0 : weighted / params;
        for (Map.Entry<Integer, Double> e : r.entrySet()) {
            double s = target - e.getValue() + mean;
            if (!(s >= 0 && s < 1)) {
                throw new UserError(String.format(Locale.ROOT,
                        "--sparsity %s with OWL lambda %s gives block %d a sparsity of %.4f, outside [0, 1); "
                                + "lower the lambda or the target", target, lambda, e.getKey(), s));
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    @Override
    public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
        Map<Integer, Double> g = groupSparsities(tensors, target);
        Map<String, Double> out = new LinkedHashMap<>();
        for (PrunableTensor t : tensors) {
            Allocations.putUnique(out, t.name(), g.get(t.group()));
        }
        return out;
    }

    private static Map<Integer, List<PrunableTensor>> groups(List<PrunableTensor> tensors) {
        Map<Integer, List<PrunableTensor>> g = new TreeMap<>();
        for (PrunableTensor t : tensors) {
            g.computeIfAbsent(t.group(), k -> new ArrayList<>()).add(t);
        }
        return g;
    }

    @Override
    public String name() {
        return "owl";
    }
}
