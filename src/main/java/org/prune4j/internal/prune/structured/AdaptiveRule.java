package org.prune4j.internal.prune.structured;

import java.util.Arrays;

/**
 * FLAP's AL-AM decision over all units of all layers at once. Given every unit's (standardised) score
 * and its weight (parameters, in units of one MLP neuron):
 * <ol>
 *   <li>sort the units by score, descending (ties keep the input order: attention units of layer 0,
 *       1, …, then neurons of layer 0, 1, …);</li>
 *   <li>{@code k = argmin |cumsum(w) − Σw·(1−p)|} (the first on ties); {@code Σw·(1−p)} and the
 *       differences are float32, as in the original (an int64 tensor times a Python float);</li>
 *   <li>{@code threshold = sorted[k]}; keep the units scoring <em>strictly</em> more. FLAP quirk,
 *       reproduced: the unit at {@code k}, whose inclusion brought the kept weight closest to the
 *       target, is itself pruned.</li>
 * </ol>
 */
final class AdaptiveRule {
    private AdaptiveRule() {}

    /** For each unit, whether it is kept. */
    static boolean[] keep(double[] scores, long[] weights, double p) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        float target = (float) total * (float) (1 - p);
        long cum = 0;
        int best = 0;
        float bestDiff = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            cum += weights[order[i]];
            float diff = Math.abs((float) cum - target);
            if (diff < bestDiff) {
                bestDiff = diff;
                best = i;
            }
        }
        double threshold = scores[order[best]];
        boolean[] kept = new boolean[n];
        for (int i = 0; i < n; i++) {
            kept[i] = scores[i] > threshold;
        }
        return kept;
    }

    /** Per-row standardisation {@code (x − mean) / std} with the unbiased standard deviation (torch.std). */
    static double[] standardize(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (x.length - 1));
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean) / std;
        }
        return out;
    }
}
