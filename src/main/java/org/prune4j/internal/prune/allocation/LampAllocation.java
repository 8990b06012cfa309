package org.prune4j.internal.prune.allocation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-adaptive magnitude-based pruning (LAMP, Lee et al. 2021): every weight gets the score
 * {@code w_u² / Σ_{v ≥ u} w_v²}, where the sum runs over the weights of its tensor at least as large
 * (in the ascending order of magnitude), and one global threshold on these scores prunes the requested
 * fraction of all weights. The largest weight of every tensor scores 1, so no tensor is pruned away.
 *
 * <p>The tensors' {@link PrunableTensor#scores()} are read as magnitudes (|W|; pruned weights 0).
 */
public final class LampAllocation implements SparsityAllocation {

    /**
     * LAMP scores of one tensor, in the input's order: {@code m_u² / Σ_{v: rank(v) ≥ rank(u)} m_v²} with
     * ranks by ascending magnitude (ties by position). A zero weight scores 0.
     */
    public static float[] scores(float[] magnitudes) {
        float[] sorted = sortedScores(magnitudes);
        int n = magnitudes.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) Float.floatToIntBits(Math.abs(magnitudes[i])) << 32) | i;
        }
        Arrays.sort(keys);
        float[] out = new float[n];
        for (int r = 0; r < n; r++) {
            out[(int) (keys[r] & 0xffffffffL)] = sorted[r];
        }
        return out;
    }

    /** LAMP scores in ascending order of magnitude (non-decreasing). */
    static float[] sortedScores(float[] magnitudes) {
        int n = magnitudes.length;
        double[] sq = new double[n];
        for (int i = 0; i < n; i++) {
            double m = magnitudes[i];
            sq[i] = m * m;
        }
        Arrays.sort(sq);
        float[] out = new float[n];
        double suffix = 0;
        for (int r = n - 1; r >= 0; r--) {
            suffix += sq[r];
            out[r] = sq[r] == 0 ? 0f : (float) (sq[r] / suffix);
        }
        return out;
    }

    @Override
    public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
        Allocations.checkTarget(target);
        Map<String, Double> out = new LinkedHashMap<>();
        long total = 0;
        for (PrunableTensor t : tensors) {
            total += t.numel();
        }
        long k = Math.round(target * total);
        if (k == 0) {
            tensors.forEach(t -> out.put(t.name(), 0.0));
            return out;
        }
        float[][] perTensor = new float[tensors.size()][];
        float[] all = new float[Math.toIntExact(total)];
        int at = 0;
        for (int i = 0; i < tensors.size(); i++) {
            float[] s = Allocations.scores(tensors.get(i));
            perTensor[i] = sortedScores(s);
            System.arraycopy(perTensor[i], 0, all, at, s.length);
            at += s.length;
        }
        Arrays.sort(all);
        float threshold = all[(int) (k - 1)];
        // Everything strictly below the threshold goes; ties at the threshold go in tensor order until k.
        long remaining = k;
        long[] pruned = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            pruned[i] = lowerBound(perTensor[i], threshold);
            remaining -= pruned[i];
        }
        for (int i = 0; i < tensors.size() && remaining > 0; i++) {
            long ties = lowerBound(perTensor[i], Math.nextUp(threshold)) - pruned[i];
            long take = Math.min(ties, remaining);
            pruned[i] += take;
            remaining -= take;
        }
        for (int i = 0; i < tensors.size(); i++) {
            double s = pruned[i] / (double) tensors.get(i).numel();
            out.put(tensors.get(i).name(), Math.min(s, Math.nextDown(1.0)));
        }
        return out;
    }

    /** Number of entries of the ascending array {@code a} strictly below {@code x}. */
    private static long lowerBound(float[] a, float x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String name() {
        return "lamp";
    }
}
