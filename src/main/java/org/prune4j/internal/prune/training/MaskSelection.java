package org.prune4j.internal.prune.training;

import java.util.Arrays;
import org.prune4j.internal.prune.PruningMask;

/**
 * Builds {@link PruningMask}s from importance scores: prune exactly {@code k} entries, those already pruned first,
 * then the lowest scores, ties broken by position (so masks are deterministic). NaN scores count as the
 * lowest.
 */
final class MaskSelection {
    private MaskSelection() {}

    /** Number of entries to prune for a sparsity over {@code numel} entries (rounded to nearest). */
    public static long pruneCount(double sparsity, long numel) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1], got " + sparsity);
        }
        return Math.min(numel, Math.round(sparsity * numel));
    }

    /** {@link #select} over a single row of {@code scores.length} entries. */
    public static PruningMask keepMask(float[] scores, PruningMask previous, long k) {
        return select(scores, previous, k, new long[] {scores.length});
    }

    /**
     * A mask over a tensor of {@code shape} pruning {@code k} entries of {@code scores} (row-major). Entries
     * that {@code previous} (may be null) prunes are pruned before any other, so pruning only ever grows
     * when {@code k} is at least the number already pruned.
     */
    public static PruningMask select(float[] scores, PruningMask previous, long k, long[] shape) {
        int n = scores.length;
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("cannot prune " + k + " of " + n + " entries");
        }
        if (previous != null && previous.size() != n) {
            throw new IllegalArgumentException("previous mask has " + previous.size() + " entries, scores " + n);
        }
        boolean[] before = previous == null ? null : previous.pruned();
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            boolean wasPruned = before != null && before[i];
            int key = wasPruned ? Integer.MIN_VALUE : sortable(scores[i]);
            keys[i] = ((long) key << 32) | i;
        }
        Arrays.sort(keys);
        float[] keep = new float[n];
        Arrays.fill(keep, 1f);
        for (int r = 0; r < k; r++) {
            keep[(int) (keys[r] & 0xffffffffL)] = 0f;
        }
        return PruningMask.fromKeep(shape, keep);
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
}
