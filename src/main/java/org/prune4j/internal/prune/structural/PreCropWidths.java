package org.prune4j.internal.prune.structural;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PreCropping's conversion of per-layer densities into channel widths (after Cai et al. 2022, "Structured
 * Pruning is All You Need for Pruning CNNs at Initialization"): a layer whose input and output channels are
 * kept at fractions {@code ρ_in} and {@code ρ_out} keeps {@code ρ_in · ρ_out} of its weights (and of its
 * MACs), so the network is narrowed so that this product follows the density the unstructured mask gave the
 * layer. The rule, in three steps:
 *
 * <ol>
 *   <li><b>vote</b>: layer {@code l} of density {@code d} asks each of its croppable sides (input and output
 *       channel groups; the image input and the logits are fixed) for the fraction {@code d^(1/s)}, with
 *       {@code s} its number of croppable sides (a layer with both sides croppable and density 0.25 asks for
 *       half the channels on each side; the first and last layer ask for {@code d} on their one side);</li>
 *   <li><b>group</b>: a group of coupled channels (a chain link, or a whole residual stream of a ResNet
 *       stage) takes the cost-weighted geometric mean of its members' votes, {@code r_g = exp(Σ c_l ln v_l /
 *       Σ c_l)}, with {@code c_l} the dense layer's cost (weights for PreCrop-Params, MACs for PreCrop-FLOPs)
 *       — one width per group;</li>
 *   <li><b>budget</b>: all group fractions are scaled by one common factor {@code e^t}, capped at 1, with
 *       {@code t} found by bisection so that {@code Σ c_l · ρ_in · ρ_out = Σ c_l · d_l} (the cost the masks
 *       keep), then widths are rounded to the nearest multiple of {@code roundTo}, at least one multiple (or
 *       one channel), at most the dense width.</li>
 * </ol>
 */
final class PreCropWidths {
    private PreCropWidths() {}

    /** A side of a layer that is not a prunable group (the image input, the logits). */
    static final int FIXED = -1;

    /**
     * One prunable layer.
     *
     * @param layer module path
     * @param cost dense cost (weights or MACs), &gt; 0
     * @param density fraction of its weights the unstructured mask keeps, in (0, 1]
     * @param inGroup group of its input channels, or {@link #FIXED}
     * @param outGroup group of its output channels, or {@link #FIXED}
     */
    record Layer(String layer, double cost, double density, int inGroup, int outGroup) {
        Layer {
            if (!(density > 0 && density <= 1)) {
                throw new IllegalArgumentException(layer + ": density " + density + " not in (0, 1]");
            }
            if (!(cost > 0)) {
                throw new IllegalArgumentException(layer + ": cost " + cost + " must be > 0");
            }
        }

        int sides() {
            return (inGroup == FIXED ? 0 : 1) + (outGroup == FIXED ? 0 : 1);
        }
    }

    /**
     * The widths.
     *
     * @param votes per group, the cost-weighted geometric mean of its members' votes (step 2)
     * @param fractions per group, the fraction after the budget scaling, before rounding (step 3)
     * @param widths per group, the rounded channel count
     * @param targetCost {@code Σ c_l · d_l}
     * @param croppedCost {@code Σ c_l · (w_in / W_in) · (w_out / W_out)} with the rounded widths
     */
    record Result(Map<Integer, Double> votes, Map<Integer, Double> fractions, Map<Integer, Integer> widths,
            double targetCost, double croppedCost) {}

    /** Step 2: per group, the cost-weighted geometric mean of its member layers' votes. */
    static Map<Integer, Double> votes(List<Layer> layers) {
        Map<Integer, double[]> acc = new LinkedHashMap<>();
        for (Layer l : layers) {
            if (l.sides() == 0) {
                continue;
            }
            double logVote = Math.log(l.density()) / l.sides();
            for (int g : new int[] {l.inGroup(), l.outGroup()}) {
                if (g != FIXED) {
                    double[] a = acc.computeIfAbsent(g, k -> new double[2]);
                    a[0] += l.cost() * logVote;
                    a[1] += l.cost();
                }
            }
        }
        Map<Integer, Double> out = new LinkedHashMap<>();
        acc.forEach((g, a) -> out.put(g, Math.exp(a[0] / a[1])));
        return out;
    }

    /** All three steps; {@code denseWidths} holds every group's dense channel count. */
    static Result widths(List<Layer> layers, Map<Integer, Integer> denseWidths, int roundTo) {
        if (roundTo < 1) {
            throw new IllegalArgumentException("roundTo must be >= 1, got " + roundTo);
        }
        Map<Integer, Double> votes = votes(layers);
        double target = 0;
        for (Layer l : layers) {
            target += l.cost() * l.density();
        }
        double lo = -1;
        while (cost(layers, votes, lo) > target && lo > -200) {
            lo *= 2;
        }
        double hi = 0;
        for (double v : votes.values()) {
            hi = Math.max(hi, -Math.log(v));
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
            double mid = (lo + hi) / 2;
            if (cost(layers, votes, mid) > target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double shift = (lo + hi) / 2;
        Map<Integer, Double> fractions = new LinkedHashMap<>();
        Map<Integer, Integer> widths = new LinkedHashMap<>();
        for (Map.Entry<Integer, Double> e : votes.entrySet()) {
            int g = e.getKey();
            Integer dense = denseWidths.get(g);
            if (dense == null) {
                throw new IllegalArgumentException("no dense width for group " + g);
            }
            double f = Math.min(1, e.getValue() * Math.exp(shift));
            fractions.put(g, f);
            widths.put(g, round(f * dense, dense, roundTo));
        }
        double cropped = 0;
        for (Layer l : layers) {
            cropped += l.cost() * side(l.inGroup(), widths, denseWidths) * side(l.outGroup(), widths, denseWidths);
        }
        return new Result(votes, fractions, widths, target, cropped);
    }

    /** Nearest multiple of {@code roundTo}, at least one multiple (or one channel), at most {@code dense}. */
    static int round(double channels, int dense, int roundTo) {
        long w = Math.round(channels / roundTo) * roundTo;
        w = Math.max(w, Math.min(roundTo, dense));
        return (int) Math.max(1, Math.min(dense, w));
    }

    private static double side(int group, Map<Integer, Integer> widths, Map<Integer, Integer> dense) {
        return group == FIXED ? 1 : widths.get(group) / (double) dense.get(group);
    }

    private static double cost(List<Layer> layers, Map<Integer, Double> votes, double shift) {
        double total = 0;
        for (Layer l : layers) {
            total += l.cost() * fraction(l.inGroup(), votes, shift) * fraction(l.outGroup(), votes, shift);
        }
        return total;
    }

    private static double fraction(int group, Map<Integer, Double> votes, double shift) {
        return group == FIXED ? 1 : Math.min(1, votes.get(group) * Math.exp(shift));
    }
}
