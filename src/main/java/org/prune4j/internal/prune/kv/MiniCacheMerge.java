package org.prune4j.internal.prune.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.model.llama.KvDepthMerge;

/**
 * {@code minicache}, MiniCache-style cross-layer merging (Liu et al., 2024): from block {@code start} on,
 * blocks are paired ({@code start, start+1}, {@code start+2, start+3}, …) and, for every position and head,
 * the two blocks' keys (and, separately, values) are replaced by their magnitudes times one shared direction,
 * the SLERP of the two unit vectors at {@code t}. Positions whose two directions are far apart are retained
 * unmerged: a position is retained when its angular distance is at least the {@code 1 − retain} quantile of
 * the distances seen so far in that pair (keys and values counted apart), so about the {@code retain} share
 * of the most distinct positions keeps both vectors.
 *
 * <p>One instance belongs to one cache (it holds the distances seen so far).
 *
 * @param start first block of the first pair
 * @param t SLERP interpolation (0 = the first block's direction, 1 = the second's)
 * @param retain share of positions retained unmerged
 */
record MiniCacheMerge(int start, double t, double retain, Map<String, List<Double>> seen) implements KvDepthMerge {
    /** MiniCache's interpolation parameter. */
    public static final double DEFAULT_T = 0.6;
    /** Share of positions retained by default. */
    public static final double DEFAULT_RETAIN = 0.05;

    /** A fresh merger (no distances seen yet). */
    public static MiniCacheMerge of(int start, double t, double retain) {
        return new MiniCacheMerge(start, t, retain, new HashMap<>());
    }

    @Override
    public boolean mergesWithPrevious(int layer, int layers) {
        return layer > start && (layer - start) % 2 == 1 && layer < layers;
    }

    @Override
    public boolean merge(int layer, boolean keys, float[] first, float[] second) {
        int d = first.length;
        double n1 = norm(first);
        double n2 = norm(second);
        if (n1 == 0 || n2 == 0) {
            return true;
        }
        double cos = 0;
        for (int i = 0; i < d; i++) {
            cos += (first[i] / n1) * (second[i] / n2);
        }
        double omega = Math.acos(Math.max(-1, Math.min(1, cos)));
        double distance = omega / Math.PI;
        List<Double> distances = seen.computeIfAbsent(layer + (keys ? "k" : "v"), k -> new ArrayList<>());
        int at = Collections.binarySearch(distances, distance);
        distances.add(at < 0 ? -at - 1 : at, distance);
        if (retain > 0 && distance >= quantile(distances, 1 - retain)) {
            return true;
        }
        double a;
        double b;
        double sin = Math.sin(omega);
        if (sin < 1e-6) {
            a = 1 - t;
            b = t;
        } else {
            a = Math.sin((1 - t) * omega) / sin;
            b = Math.sin(t * omega) / sin;
        }
        double[] e = new double[d];
        double en = 0;
        for (int i = 0; i < d; i++) {
            e[i] = a * first[i] / n1 + b * second[i] / n2;
            en += e[i] * e[i];
        }
        en = Math.sqrt(en);
        for (int i = 0; i < d; i++) {
            double unit = e[i] / en;
            first[i] = (float) (n1 * unit);
            second[i] = (float) (n2 * unit);
        }
        return false;
    }

    /** The {@code q} quantile of the ascending {@code sorted} values (nearest rank). */
    static double quantile(List<Double> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
