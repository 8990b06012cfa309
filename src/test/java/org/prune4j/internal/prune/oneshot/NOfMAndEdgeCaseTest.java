package org.prune4j.internal.prune.oneshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;

/** Partial N:M groups, ties, sparsity 0, dead inputs, other sparsities. */
class NOfMAndEdgeCaseTest {

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Every group of the row has exactly the expected count pruned, and they are its smallest scores. */
    static void assertGroups(PruningMask mask, float[] scores, SparsityPattern.NOfM nm) {
        int cols = mask.cols();
        for (int r = 0; r < mask.rows(); r++) {
            for (int g = 0; g < cols; g += nm.m()) {
                int width = Math.min(nm.m(), cols - g);
                // N of every full group of M; floor(N * width / M) of a partial trailing group (the N:M share
                // of its width), derived here rather than taken from the pattern under test
                int expected = width == nm.m() ? nm.n() : nm.n() * width / nm.m();
                int count = 0;
                float maxPruned = Float.NEGATIVE_INFINITY;
                float minKept = Float.POSITIVE_INFINITY;
                for (int j = g; j < g + width; j++) {
                    float s = scores == null ? 0 : scores[r * cols + j];
                    if (mask.isPruned(r, j)) {
                        count++;
                        maxPruned = Math.max(maxPruned, s);
                    } else {
                        minKept = Math.min(minKept, s);
                    }
                }
                assertEquals(expected, count, "row " + r + " group at " + g + " of width " + width);
                if (scores != null) {
                    assertTrue(maxPruned <= minKept, "row " + r + " group " + g + " pruned a larger score");
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2,4,172", "4,8,172", "2,4,174", "3,4,175", "1,4,171", "2,3,130"})
    void partialTrailingGroupsPruneFloorOfTheirShare(int n, int m, int cols) {
        SparsityPattern.NOfM nm = new SparsityPattern.NOfM(n, m);
        int rows = 24;
        float[] w = gaussian(rows * cols, 11L * cols + m);
        float[] abs = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            abs[i] = Math.abs(w[i]);
        }
        assertGroups(Magnitude.mask(w, rows, cols, nm), abs, nm);

        float[] scaler = new float[cols];
        Random r = new Random(5);
        for (int c = 0; c < cols; c++) {
            scaler[c] = (float) Math.exp(r.nextGaussian());
        }
        assertGroups(Wanda.mask(w, rows, cols, scaler, nm), Wanda.metric(w, rows, cols, scaler), nm);

        try (NDManager mgr = NDManager.newBaseManager()) {
            HessianStatistics h = new HessianStatistics(mgr, cols);
            h.add(mgr.create(gaussian(4 * 64 * cols, 3), new Shape(4, 64, cols)));
            SparseGpt.Result res = new SparseGpt().prune(w, rows, cols, h.hessian(), nm);
            assertGroups(res.mask(), null, nm);
            float[] updated = res.weight();
            for (int i = 0; i < w.length; i++) {
                if (res.mask().pruned()[i]) {
                    assertEquals(0f, updated[i]);
                }
            }
        }
        // a 4:8 group of 4 trailing columns prunes 2 of them; 2:4 with 2 trailing prunes 1; 1:4 with 3 prunes 0
        assertEquals(2, new SparsityPattern.NOfM(4, 8).prunedInGroup(4));
        assertEquals(1, new SparsityPattern.NOfM(2, 4).prunedInGroup(2));
        assertEquals(0, new SparsityPattern.NOfM(1, 4).prunedInGroup(3));
    }

    @Test
    void wandaTiesPruneTheLowerColumnFirst() {
        int rows = 3;
        int cols = 10;
        float[] w = new float[rows * cols];
        java.util.Arrays.fill(w, 1f);
        w[5] = 0.5f; // row 0: one smaller value
        float[] scaler = new float[cols];
        java.util.Arrays.fill(scaler, 4f);
        PruningMask mask = Wanda.mask(w, rows, cols, scaler, new SparsityPattern.Unstructured(0.3));
        // row 0: column 5 (smallest), then columns 0 and 1; rows 1, 2: columns 0, 1, 2
        for (int c = 0; c < cols; c++) {
            assertEquals(c == 5 || c == 0 || c == 1, mask.isPruned(0, c), "row 0 col " + c);
            assertEquals(c < 3, mask.isPruned(1, c), "row 1 col " + c);
        }
        PruningMask nm = Wanda.mask(w, rows, cols, scaler, new SparsityPattern.NOfM(2, 4));
        // row 1: groups [0,4) [4,8) [8,10): lowest two of each full group; partial group of 2 prunes 1
        boolean[] expectRow1 = {true, true, false, false, true, true, false, false, true, false};
        for (int c = 0; c < cols; c++) {
            assertEquals(expectRow1[c], nm.isPruned(1, c), "row 1 col " + c);
        }
    }

    @Test
    void wandaPrunesExactlyIntColsTimesSPerRow() {
        int rows = 50;
        int cols = 333;
        float[] w = gaussian(rows * cols, 9);
        float[] scaler = new float[cols];
        java.util.Arrays.fill(scaler, 1f);
        for (double s : new double[] {0.0, 0.1, 0.5, 0.7, 0.99}) {
            PruningMask mask = Wanda.mask(w, rows, cols, scaler, new SparsityPattern.Unstructured(s));
            for (int r = 0; r < rows; r++) {
                int count = 0;
                for (int c = 0; c < cols; c++) {
                    count += mask.isPruned(r, c) ? 1 : 0;
                }
                assertEquals((int) (cols * s), count, "sparsity " + s);
            }
        }
    }

    @Test
    void sparsityZeroPrunesNothing() {
        int rows = 16;
        int cols = 40;
        float[] w = gaussian(rows * cols, 2);
        SparsityPattern zero = new SparsityPattern.Unstructured(0);
        assertEquals(0, Magnitude.mask(w, rows, cols, zero).prunedCount());
        float[] scaler = new float[cols];
        java.util.Arrays.fill(scaler, 1f);
        assertEquals(0, Wanda.mask(w, rows, cols, scaler, zero).prunedCount());
        try (NDManager mgr = NDManager.newBaseManager()) {
            HessianStatistics h = new HessianStatistics(mgr, cols);
            h.add(mgr.create(gaussian(200 * cols, 4), new Shape(200, cols)));
            SparseGpt.Result r = new SparseGpt().prune(w, rows, cols, h.hessian(), zero);
            assertEquals(0, r.mask().prunedCount());
            assertArrayEquals(w, r.weight());
        }
    }

    @Test
    void magnitudeUnstructuredPrunesEverythingAtOrBelowTheThreshold() {
        int rows = 10;
        int cols = 10;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 2 == 0 ? 1 : -1) * (i / 4); // ties in |W|: groups of 4 equal magnitudes
        }
        PruningMask mask = Magnitude.mask(w, rows, cols, new SparsityPattern.Unstructured(0.5));
        // k = 50, sorted |W|[50] = 12, so all |W| <= 12 go: indices 0..51
        for (int i = 0; i < w.length; i++) {
            assertEquals(i < 52, mask.pruned()[i], "index " + i);
        }
    }

    @Test
    void magnitudeCanPruneAnExactCountWithStableTies() {
        int rows = 7;
        int cols = 9;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 3 == 0 ? -1 : 1) * ((i * 7) % 5); // many ties, zeros included
        }
        for (long count : new long[] {0, 1, 13, 30, 63}) {
            PruningMask m = Magnitude.maskExactly(w, rows, cols, count);
            assertEquals(count, m.prunedCount());
            // the pruned set is a prefix of the stable ascending order of |W|
            Integer[] order = new Integer[w.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(Math.abs(w[a]), Math.abs(w[b])));
            for (int j = 0; j < order.length; j++) {
                assertEquals(j < count, m.pruned()[order[j]], "count " + count + " rank " + j);
            }
        }
    }

    @Test
    void deadInputsAreZeroedAndPrunedBySparseGpt() {
        int rows = 32;
        int cols = 64;
        float[] x = gaussian(300 * cols, 8);
        for (int t = 0; t < 300; t++) {
            x[t * cols + 7] = 0;
            x[t * cols + 40] = 0;
        }
        float[] w = gaussian(rows * cols, 1);
        try (NDManager mgr = NDManager.newBaseManager()) {
            HessianStatistics h = new HessianStatistics(mgr, cols);
            NDArray xs = mgr.create(x, new Shape(3, 100, cols));
            h.add(xs);
            for (SparsityPattern p : new SparsityPattern[] {new SparsityPattern.Unstructured(0.5),
                    new SparsityPattern.NOfM(2, 4)}) {
                SparseGpt.Result r = new SparseGpt().prune(w, rows, cols, h.hessian(), p);
                float[] updated = r.weight();
                for (int row = 0; row < rows; row++) {
                    assertEquals(0f, updated[row * cols + 7]);
                    assertEquals(0f, updated[row * cols + 40]);
                    assertTrue(r.mask().isPruned(row, 7) && r.mask().isPruned(row, 40), p + " row " + row);
                }
                double err = ReconstructionError.relative(w, updated, rows, cols, x);
                assertTrue(err > 0 && err < 0.5, "relerr " + err);
            }
            // the statistics are not modified by pruning
            assertEquals(0f, h.hessian().getFloat(7, 7));
        }
    }

    @Test
    void sparseGptNonDividingMKeepsGroupsInsideBlocks() {
        int rows = 8;
        int cols = 300;
        SparsityPattern.NOfM nm = new SparsityPattern.NOfM(2, 3);
        float[] w = gaussian(rows * cols, 21);
        try (NDManager mgr = NDManager.newBaseManager()) {
            HessianStatistics h = new HessianStatistics(mgr, cols);
            h.add(mgr.create(gaussian(2 * 400 * cols, 22), new Shape(2, 400, cols)));
            SparseGpt.Result r = new SparseGpt().prune(w, rows, cols, h.hessian(), nm);
            assertGroups(r.mask(), null, nm);
            assertFalse(r.mask().prunedCount() == 0);
        }
    }
}
