package org.prune4j.internal.prune.oneshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.linalg.InverseCholesky;

/** SparseGPT against the reference fixtures: H, the inverse factor, masks, weights, errors. */
class SparseGptReferenceTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<String> cases() {
        return Stream.of(ReferenceCase.NAMES);
    }

    static Stream<Arguments> casesAndPatterns() {
        List<Arguments> out = new ArrayList<>();
        for (String c : ReferenceCase.NAMES) {
            out.add(Arguments.of(c, "unstructured50"));
            out.add(Arguments.of(c, "2of4"));
            out.add(Arguments.of(c, "4of8"));
        }
        return out.stream();
    }

    static SparsityPattern pattern(String name) {
        return switch (name) {
            case "unstructured50" -> new SparsityPattern.Unstructured(0.5);
            case "2of4" -> new SparsityPattern.NOfM(2, 4);
            case "4of8" -> new SparsityPattern.NOfM(4, 8);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** H from 16 add calls of (1, 128, in), as the reference hooks fed it. */
    static HessianStatistics hessian(ReferenceCase c, NDManager m, int perCall) {
        HessianStatistics h = new HessianStatistics(m, c.cols);
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.create(c.x, new Shape(c.tokens(), c.cols));
            int seqs = c.tokens() / 128;
            for (int j = 0; j < seqs; j += perCall) {
                try (NDArray part = x.get(new NDIndex((j * 128) + ":" + ((j + perCall) * 128)));
                        NDArray batch = part.reshape(perCall, 128, c.cols)) {
                    h.add(batch);
                }
            }
        }
        return h;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void hessianMatchesReference(String name) {
        try (ReferenceCase c = new ReferenceCase(name); HessianStatistics h = hessian(c, manager, 1);
                HessianStatistics hb = hessian(c, manager, 4)) {
            float[] ref = c.floats("sparsegpt_H");
            assertEquals(16, h.samples());
            assertEquals(16, hb.samples());
            double scale = maxAbs(ref);
            double d1 = maxAbsDiff(ref, h.toFloatArray()) / scale;
            double d4 = maxAbsDiff(ref, hb.toFloatArray()) / scale;
            System.out.printf(Locale.ROOT, "%s H rel diff: one-by-one %.2e, batched %.2e%n", name, d1, d4);
            assertTrue(d1 < 1e-5, "H differs by " + d1);
            assertTrue(d4 < 1e-5, "batched H differs by " + d4);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void inverseFactorMatchesReference(String name) {
        try (ReferenceCase c = new ReferenceCase(name); NDManager m = manager.newSubManager()) {
            float[] h = c.floats("sparsegpt_H");
            int n = c.cols;
            float[] diag = new float[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                diag[j] = h[j * n + j] == 0f ? 1f : h[j * n + j];
                sum += diag[j];
            }
            float damp = (float) (0.01 * (float) (sum / n));
            for (int j = 0; j < n; j++) {
                diag[j] += damp;
            }
            float[] ref = c.floats("sparsegpt_Hinv_upper");
            NDArray hn = m.create(h, new Shape(n, n));
            float[] u64 = InverseCholesky.upperFactorOfInverse(hn, diag, InverseCholesky.Precision.FLOAT64, m).toFloatArray();
            float[] u32 = InverseCholesky.upperFactorOfInverse(hn, diag, InverseCholesky.Precision.FLOAT32, m).toFloatArray();
            double scale = maxAbs(ref);
            double d64 = maxAbsDiff(ref, u64) / scale;
            double d32 = maxAbsDiff(ref, u32) / scale;
            double d3264 = maxAbsDiff(u64, u32) / scale;
            System.out.printf(Locale.ROOT, "%s U rel diff vs reference: f64 %.2e, f32 %.2e; f32 vs f64 %.2e%n",
                    name, d64, d32, d3264);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(0f, u64[i * n + j], "U below the diagonal");
                }
            }
            assertTrue(d64 < 1e-4, "U differs by " + d64);
            assertTrue(d32 < 1e-4, "f32 U differs by " + d32);
        }
    }

    @ParameterizedTest
    @MethodSource("casesAndPatterns")
    void pruningMatchesReference(String name, String pat) {
        try (ReferenceCase c = new ReferenceCase(name); HessianStatistics h = hessian(c, manager, 1)) {
            SparseGpt.Result r = new SparseGpt().prune(c.w, c.rows, c.cols, h.hessian(), pattern(pat));
            byte[] refMask = c.mask("sparsegpt_" + pat + "_mask");
            float[] refW = c.floats("sparsegpt_" + pat + "_W");
            PruningMask mask = r.mask();
            float[] updated = r.weight();
            int flips = 0;
            for (int i = 0; i < refMask.length; i++) {
                if ((refMask[i] != 0) != mask.pruned()[i]) {
                    flips++;
                }
                if (mask.pruned()[i]) {
                    assertEquals(0f, updated[i], "a pruned weight is not 0");
                }
            }
            double wDiff = maxAbsDiff(refW, updated);
            double relerr = ReconstructionError.relative(c.w, updated, c.rows, c.cols, c.x);
            double refRelerr = c.scalar("relerr_sparsegpt_" + pat);
            System.out.printf(Locale.ROOT, "%s %s: mask flips %d/%d, max|dW| %.2e, relerr %.6f (ref %.6f)%n",
                    name, pat, flips, refMask.length, wDiff, relerr, refRelerr);
            assertTrue(flips <= refMask.length * 1e-4, flips + " mask entries differ");
            assertTrue(wDiff <= 1e-6, "weights differ by " + wDiff); // at most 1.5e-7 reached
            assertEquals(refRelerr, relerr, 1e-5);
        }
    }

    /** The pipeline path: batched hooks (4 sequences per call), finished statistics, NDArray weight. */
    @ParameterizedTest
    @MethodSource("casesAndPatterns")
    void batchedFinishedStatisticsMatchTheReference(String name, String pat) {
        try (ReferenceCase c = new ReferenceCase(name); HessianStatistics h = hessian(c, manager, 4);
                NDManager m = manager.newSubManager()) {
            h.finish();
            SparseGpt.Result r = new SparseGpt().prune(m.create(c.w, new Shape(c.rows, c.cols)), h, pattern(pat));
            byte[] refMask = c.mask("sparsegpt_" + pat + "_mask");
            int flips = 0;
            for (int i = 0; i < refMask.length; i++) {
                flips += (refMask[i] != 0) != r.mask().pruned()[i] ? 1 : 0;
            }
            float[] updated = r.weight();
            assertTrue(flips <= refMask.length * 1e-4, flips + " mask entries differ");
            assertTrue(maxAbsDiff(c.floats("sparsegpt_" + pat + "_W"), updated) <= 1e-4);
            assertEquals(c.scalar("relerr_sparsegpt_" + pat),
                    ReconstructionError.relative(c.w, updated, c.rows, c.cols, c.x), 1e-4);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void ndArrayApiGivesTheSameResult(String name) {
        try (ReferenceCase c = new ReferenceCase(name); HessianStatistics h = hessian(c, manager, 4);
                NDManager m = manager.newSubManager()) {
            SparsityPattern p = pattern("2of4");
            SparseGpt.Result fromArrays = new SparseGpt().prune(c.w, c.rows, c.cols, h.hessian(), p);
            NDArray w = m.create(c.w, new Shape(c.rows, c.cols));
            for (NDArray weight : new NDArray[] {w, w.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)}) {
                SparseGpt.Result fromNd = new SparseGpt().prune(weight, h, p);
                org.junit.jupiter.api.Assertions.assertArrayEquals(fromArrays.weight(), fromNd.weight());
                org.junit.jupiter.api.Assertions.assertArrayEquals(fromArrays.mask().pruned(), fromNd.mask().pruned());
                try (NDArray updated = fromNd.weight(m)) {
                    assertEquals(new Shape(c.rows, c.cols), updated.getShape());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(fromNd.weight(), updated.toFloatArray());
                }
                // in place into an existing array, also of another dtype
                try (NDArray target = m.zeros(new Shape(c.rows, c.cols));
                        NDArray target64 = m.zeros(new Shape(c.rows, c.cols), ai.djl.ndarray.types.DataType.FLOAT64)) {
                    fromNd.copyWeightInto(target);
                    fromNd.copyWeightInto(target64);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(fromNd.weight(), target.toFloatArray());
                    assertEquals(fromNd.weight()[c.cols + 3], target64.getDouble(1, 3), 0.0);
                }
            }
            assertTrue(maxAbsDiff(c.floats("sparsegpt_2of4_W"), fromArrays.weight()) < 1e-4);
            // the cached factor is dropped when more data arrives
            SparseGpt.Result before = new SparseGpt().prune(w, h, pattern("unstructured50"));
            h.add(m.create(c.x, new Shape(c.tokens(), c.cols)).get("0:128"));
            SparseGpt.Result after = new SparseGpt().prune(c.w, c.rows, c.cols, h.hessian(), pattern("unstructured50"));
            assertTrue(maxAbsDiff(before.weight(), after.weight()) > 0, "the factor was not recomputed");
            // finished statistics: the factor replaces H in place, with the same result
            h.finish();
            SparseGpt.Result inPlace = new SparseGpt().prune(w, h, pattern("unstructured50"));
            assertEquals(0.0, maxAbsDiff(after.weight(), inPlace.weight()));
            org.junit.jupiter.api.Assertions.assertArrayEquals(after.mask().pruned(), inPlace.mask().pruned());
            SparseGpt.Result again = new SparseGpt().prune(w, h, pattern("2of4")); // reuses the factor
            assertEquals((long) c.rows * c.cols / 2, again.mask().prunedCount());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, h::hessian);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> h.add(m.zeros(new Shape(1, 128, c.cols))));
        }
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
