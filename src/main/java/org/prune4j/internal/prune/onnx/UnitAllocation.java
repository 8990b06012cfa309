package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * Decides how many units each group keeps to meet a {@link PruneTarget}, and which (the highest scored).
 * The fraction (local) or score threshold (global) is found by bisection on the exact
 * {@link CostModel} counts. With {@code roundTo} = K, a group keeps a number of units whose channels are
 * a multiple of K (and at least that many); every group keeps at least one unit.
 */
final class UnitAllocation {
    private UnitAllocation() {}

    static Map<Space, int[]> allocate(List<GroupAnalysis.Group> groups, Map<Integer, double[]> scores, CostModel cost,
            PruneTarget target, PruneScope scope, int roundTo) {
        long p0 = cost.prunableParameters(Map.of());
        long m0 = cost.macs(Map.of());
        java.util.function.Predicate<Map<Space, Long>> met = switch (target) {
            case PruneTarget.ParameterRatio r -> k -> p0 - cost.prunableParameters(k) >= r.ratio() * p0;
            case PruneTarget.MacsFraction f -> k -> cost.macs(k) <= f.fraction() * m0;
        };
        Map<Integer, long[]> steps = new HashMap<>();
        for (GroupAnalysis.Group g : groups) {
            steps.put(g.id(), new long[] {step(g, roundTo)});
        }
        Map<Space, Long> best = null;
        if (scope == PruneScope.LOCAL) {
            double lo = 0;
            double hi = 1;
            for (int it = 0; it < 40; it++) {
                double mid = (lo + hi) / 2;
                Map<Space, Long> k = localCounts(groups, mid, steps);
                if (met.test(k)) {
                    hi = mid;
                    best = k;
                } else {
                    lo = mid;
                }
            }
            if (best == null) {
                best = localCounts(groups, 1.0, steps);
            }
        } else {
            Map<Integer, double[]> normalised = new HashMap<>();
            List<Double> pooled = new ArrayList<>();
            for (GroupAnalysis.Group g : groups) {
                double[] s = scores.get(g.id()).clone();
                double mean = Arrays.stream(s).average().orElse(1);
                for (int i = 0; i < s.length; i++) {
                    s[i] = mean > 0 ? s[i] / mean : s[i];
                    pooled.add(s[i]);
                }
                normalised.put(g.id(), s);
            }
            double[] sorted = pooled.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                Map<Space, Long> k = globalCounts(groups, normalised, sorted[mid], steps);
                if (met.test(k)) {
                    hi = mid;
                    best = k;
                } else {
                    lo = mid + 1;
                }
            }
            if (best == null) {
                best = globalCounts(groups, normalised, Double.POSITIVE_INFINITY, steps);
            }
        }
        if (!met.test(best)) {
            throw new UserError("the target cannot be reached by removing units of the prunable groups (each keeps at least "
                    + "one unit" + (roundTo > 1 ? " and a multiple of --round-to " + roundTo + " channels" : "") + ")");
        }
        Map<Space, int[]> keep = new LinkedHashMap<>();
        for (GroupAnalysis.Group g : groups) {
            long k = best.get(g.root());
            keep.put(g.root(), top(scores.get(g.id()), (int) k));
        }
        return keep;
    }

    /** Units per round-to step: K channels are K / gcd(K, channels per unit) units. */
    private static long step(GroupAnalysis.Group g, int roundTo) {
        if (roundTo <= 1) {
            return 1;
        }
        long per = Long.MAX_VALUE;
        for (Edit.SliceConstant s : g.slices()) {
            for (Segment seg : s.layout().segments()) {
                if (!seg.fixed() && seg.space().root() == g.root()) {
                    per = Math.min(per, seg.perUnit());
                }
            }
        }
        return roundTo / Space.gcd(roundTo, per);
    }

    private static long round(long units, long kept, long step) {
        if (units <= step) {
            return units;
        }
        long r = Math.round(kept / (double) step) * step;
        return Math.min(units, Math.max(step, r));
    }

    private static Map<Space, Long> localCounts(List<GroupAnalysis.Group> groups, double fraction, Map<Integer, long[]> steps) {
        Map<Space, Long> k = new HashMap<>();
        for (GroupAnalysis.Group g : groups) {
            long kept = Math.max(1, Math.round(g.units() * (1 - fraction)));
            k.put(g.root(), round(g.units(), kept, steps.get(g.id())[0]));
        }
        return k;
    }

    private static Map<Space, Long> globalCounts(List<GroupAnalysis.Group> groups, Map<Integer, double[]> normalised,
            double threshold, Map<Integer, long[]> steps) {
        Map<Space, Long> k = new HashMap<>();
        for (GroupAnalysis.Group g : groups) {
            long kept = 0;
            for (double s : normalised.get(g.id())) {
                if (s > threshold) {
                    kept++;
                }
            }
            k.put(g.root(), round(g.units(), Math.max(1, kept), steps.get(g.id())[0]));
        }
        return k;
    }

    /** The indices of the {@code k} highest scores, ascending (ties: lower index first). */
    static int[] top(double[] scores, int k) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(scores[b], scores[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        Arrays.sort(out);
        return out;
    }
}
