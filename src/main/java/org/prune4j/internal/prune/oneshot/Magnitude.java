package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;

/**
 * Magnitude pruning of one weight matrix, following wanda's {@code prune_magnitude}.
 *
 * <ul>
 *   <li>Unstructured: the comparison group is the whole matrix. With {@code k = (long) (numel * s)}
 *       and {@code thresh} the {@code k}-th smallest {@code |W|} (0-based), every entry with
 *       {@code |W| <= thresh} is pruned: {@code k + 1} entries when there are no ties (so 50% of a
 *       64×128 matrix prunes 4097 of 8192). A sparsity of exactly 0 prunes nothing (the reference would
 *       still prune the smallest entry).</li>
 *   <li>N:M: in each row, each group of M consecutive columns starting at a multiple of M loses its N
 *       smallest {@code |W|}, ties to the lower column; a trailing partial group of {@code g} columns
 *       loses {@code floor(N g / M)} (see {@link SparsityPattern.NOfM#prunedInGroup}).</li>
 * </ul>
 */
public final class Magnitude {
    private Magnitude() {
    }

    /** The mask of a {@code [rows, cols]} weight NDArray (any float dtype). */
    public static PruningMask mask(NDArray weight, SparsityPattern pattern) {
        int[] rc = Matrices.rowsCols(weight);
        return mask(Matrices.toFloats(weight), rc[0], rc[1], pattern);
    }

    /** The mask of a row-major {@code rows × cols} weight. */
    public static PruningMask mask(float[] weight, int rows, int cols, SparsityPattern pattern) {
        Matrices.checkSize(weight, rows, cols);
        boolean[] pruned = new boolean[weight.length];
        switch (pattern) {
            case SparsityPattern.Unstructured u -> {
                long k = (long) (weight.length * u.sparsity());
                if (u.sparsity() > 0 && weight.length > 0) {
                    float thresh = Selection.kthSmallest(weight, 0, weight.length, k, true);
                    for (int i = 0; i < weight.length; i++) {
                        pruned[i] = Math.abs(weight[i]) <= thresh;
                    }
                }
            }
            case SparsityPattern.NOfM nm -> {
                float[] abs = new float[weight.length];
                for (int i = 0; i < abs.length; i++) {
                    abs[i] = Math.abs(weight[i]);
                }
                NOfMGroups.markRows(abs, pruned, rows, cols, nm);
            }
        }
        return new PruningMask(rows, cols, pruned);
    }

    /**
     * Prunes exactly {@code count} entries, the smallest {@code |W|}, ties going to the lower row-major
     * index: the per-tensor side of {@link org.prune4j.internal.prune.allocation.GlobalAllocation#prunedCounts},
     * whose global order breaks ties the same way.
     */
    public static PruningMask maskExactly(float[] weight, int rows, int cols, long count) {
        Matrices.checkSize(weight, rows, cols);
        if (count < 0 || count > weight.length) {
            throw new IllegalArgumentException("cannot prune " + count + " of " + weight.length + " entries");
        }
        boolean[] pruned = new boolean[weight.length];
        if (count > 0) {
            float thresh = Selection.kthSmallest(weight, 0, weight.length, count - 1, true);
            int t = Selection.key(thresh);
            long below = 0;
            for (float v : weight) {
                if (Selection.key(Math.abs(v)) < t) {
                    below++;
                }
            }
            long ties = count - below;
            for (int i = 0; i < weight.length; i++) {
                int k = Selection.key(Math.abs(weight[i]));
                if (k < t) {
                    pruned[i] = true;
                } else if (k == t && ties > 0) {
                    pruned[i] = true;
                    ties--;
                }
            }
        }
        return new PruningMask(rows, cols, pruned);
    }
}
