package org.prune4j.internal.prune.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.prune4j.internal.prune.PruningMask;

class MaskSelectionTest {
    @Test
    void prunesTheLowestScoresWithTiesByPosition() {
        float[] scores = {0.5f, -2f, 0.1f, 0.1f, 3f, Float.NaN};
        assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0}, MaskSelection.keepMask(scores, null, 3).keepFloats());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, MaskSelection.keepMask(scores, null, 0).keepFloats());
    }

    @Test
    void alreadyPrunedEntriesGoFirst() {
        float[] scores = {5, 4, 3, 2, 1, 0};
        float[] previous = {0, 1, 1, 1, 1, 1};
        PruningMask m = MaskSelection.keepMask(scores, PruningMask.fromKeep(new long[] {6}, previous), 2);
        assertArrayEquals(new float[] {0, 1, 1, 1, 1, 0}, m.keepFloats());
        assertEquals(2, m.prunedCount());
    }

    @Test
    void negativeZeroTiesWithZero() {
        float[] scores = {0f, -0f, 1f};
        assertArrayEquals(new float[] {0, 1, 1}, MaskSelection.keepMask(scores, null, 1).keepFloats());
    }
}
