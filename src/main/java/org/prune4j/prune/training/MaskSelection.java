package org.prune4j.prune.training;

import java.util.Arrays;

/**
 * Builds keep-masks from importance scores: prune exactly {@code k} entries, those already pruned first,
 * then the lowest scores, ties broken by position (so masks are deterministic). NaN scores count as the
 * lowest.
 */
public final class MaskSelection {
    private MaskSelection() {}

    /** Number of entries to prune for a sparsity over {@code numel} entries (rounded to nearest). */
    public static long pruneCount(double sparsity, long numel) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1], got " + sparsity);
        }
        return Math.min(numel, Math.round(sparsity * numel));
    }

    /**
     * A keep-mask (1 kept, 0 pruned) over {@code scores} pruning {@code k} entries. Entries where
     * {@code previous} (may be null) is 0 are pruned before any other, so pruning only ever grows when
     * {@code k} is at least the number already pruned.
     */
    public static float[] keepMask(float[] scores, float[] previous, long k) {
        int n = scores.length;
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("cannot prune " + k + " of " + n + " entries");
        }
        if (previous != null && previous.length != n) {
            throw new IllegalArgumentException("previous mask has " + previous.length + " entries, scores " + n);
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            boolean wasPruned = previous != null && previous[i] == 0;
            int key = wasPruned ? Integer.MIN_VALUE : sortable(scores[i]);
            keys[i] = ((long) key << 32) | i;
        }
        Arrays.sort(keys);
        float[] mask = new float[n];
        Arrays.fill(mask, 1f);
        for (int r = 0; r < k; r++) {
            mask[(int) (keys[r] & 0xffffffffL)] = 0f;
        }
        return mask;
    }

    /** An int whose signed order is the float order (NaN lowest, just above pruned entries). */
    static int sortable(float f) {
        if (Float.isNaN(f)) {
            return Integer.MIN_VALUE + 1;
        }
        int bits = Float.floatToIntBits(f == 0f ? 0f : f); // -0 and +0 tie
        int key = bits ^ ((bits >> 31) & 0x7fffffff);
        return Math.max(key, Integer.MIN_VALUE + 2);
    }

    /** Number of zeros in a mask. */
    public static long prunedCount(float[] mask) {
        long z = 0;
        for (float v : mask) {
            if (v == 0) {
                z++;
            }
        }
        return z;
    }
}
