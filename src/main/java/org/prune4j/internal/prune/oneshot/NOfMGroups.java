package org.prune4j.internal.prune.oneshot;

import org.prune4j.internal.prune.SparsityPattern;

/** The N:M group rule shared by the one-shot pruners. */
final class NOfMGroups {
    private NOfMGroups() {
    }

    /**
     * In each row of a row-major {@code rows × cols} score matrix, marks the N smallest scores of every
     * group of M columns starting at a multiple of M (ties to the lower column); a trailing partial
     * group of {@code g} columns gets {@code floor(N g / M)}.
     */
    static void markRows(float[] scores, boolean[] pruned, int rows, int cols, SparsityPattern.NOfM nm) {
        long[] scratch = new long[nm.m()];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int g = 0; g < cols; g += nm.m()) {
                int width = Math.min(nm.m(), cols - g);
                Selection.markSmallestInGroup(scores, base + g, pruned, base + g, width, nm.prunedInGroup(width), scratch);
            }
        }
    }
}
