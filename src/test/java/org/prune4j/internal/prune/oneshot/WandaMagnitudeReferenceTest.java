package org.prune4j.internal.prune.oneshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.internal.prune.PruningMask;

/** Magnitude and Wanda against the reference fixtures: statistics, metric, masks (exact), errors. */
class WandaMagnitudeReferenceTest {
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
        return SparseGptReferenceTest.casesAndPatterns();
    }

    /** scaler_row from add calls of (perCall, 128, in). */
    static WandaStatistics stats(ReferenceCase c, int perCall) {
        WandaStatistics s = new WandaStatistics(c.cols);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(c.x, new Shape(c.tokens(), c.cols));
            int seqs = c.tokens() / 128;
            for (int j = 0; j < seqs; j += perCall) {
                try (NDArray part = x.get(new NDIndex((j * 128) + ":" + ((j + perCall) * 128)));
                        NDArray batch = part.reshape(perCall, 128, c.cols)) {
                    s.add(batch);
                }
            }
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scalerRowMatchesOneByOneAndBatched(String name) {
        try (ReferenceCase c = new ReferenceCase(name)) {
            float[] ref = c.floats("wanda_scaler_row");
            for (int perCall : new int[] {1, 4}) {
                WandaStatistics s = stats(c, perCall);
                assertEquals(16, s.samples());
                float[] got = s.scalerRow();
                double worst = 0;
                for (int j = 0; j < ref.length; j++) {
                    double rel = ref[j] == 0 ? Math.abs(got[j]) : Math.abs(got[j] - ref[j]) / Math.abs(ref[j]);
                    worst = Math.max(worst, rel);
                }
                System.out.printf(Locale.ROOT, "%s scaler_row (%d per call): max rel diff %.2e%n", name, perCall, worst);
                assertTrue(worst <= 1e-5, "scaler_row differs by " + worst);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void metricIsBitExactGivenScalerRow(String name) {
        try (ReferenceCase c = new ReferenceCase(name)) {
            float[] metric = Wanda.metric(c.w, c.rows, c.cols, c.floats("wanda_scaler_row"));
            assertArrayEquals(c.floats("wanda_metric"), metric);
        }
    }

    @ParameterizedTest
    @MethodSource("casesAndPatterns")
    void wandaMasksAreIdentical(String name, String pat) {
        try (ReferenceCase c = new ReferenceCase(name)) {
            byte[] ref = c.mask("wanda_" + pat + "_mask");
            // from the reference statistic, and from our own accumulation (one-by-one and batched)
            PruningMask fromRef = Wanda.mask(c.w, c.rows, c.cols, c.floats("wanda_scaler_row"),
                    SparseGptReferenceTest.pattern(pat));
            assertArrayEquals(ref, fromRef.prunedBytes(), "mask from the reference scaler_row");
            for (int perCall : new int[] {1, 4}) {
                PruningMask ours = Wanda.mask(c.w, c.rows, c.cols, stats(c, perCall).scalerRow(),
                        SparseGptReferenceTest.pattern(pat));
                assertArrayEquals(ref, ours.prunedBytes(), "mask from our scaler_row, " + perCall + " per call");
            }
            float[] pruned = c.w.clone();
            fromRef.applyTo(pruned);
            double relerr = ReconstructionError.relative(c.w, pruned, c.rows, c.cols, c.x);
            assertEquals(c.scalar("relerr_wanda_" + pat), relerr, 1e-9);
        }
    }

    @ParameterizedTest
    @MethodSource("casesAndPatterns")
    void wandaMaskViaNDArrayApi(String name, String pat) {
        try (ReferenceCase c = new ReferenceCase(name); NDManager m = manager.newSubManager()) {
            NDArray w = m.create(c.w, new Shape(c.rows, c.cols));
            WandaStatistics st = stats(c, 4);
            PruningMask mask = Wanda.mask(w, st, SparseGptReferenceTest.pattern(pat));
            float[] metric = Wanda.metric(w, st);
            float[] ref = c.floats("wanda_metric");
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], metric[i], 1e-5f * Math.max(1e-3f, ref[i]));
            }
            assertArrayEquals(c.mask("wanda_" + pat + "_mask"), mask.prunedBytes());
            try (NDArray keep = mask.keepMask(m)) {
                assertEquals(mask.pruned().length - mask.prunedCount(), keep.sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("casesAndPatterns")
    void magnitudeMasksAreIdentical(String name, String pat) {
        try (ReferenceCase c = new ReferenceCase(name)) {
            byte[] ref = c.mask("magnitude_" + pat + "_mask");
            PruningMask mask = Magnitude.mask(c.w, c.rows, c.cols, SparseGptReferenceTest.pattern(pat));
            assertArrayEquals(ref, mask.prunedBytes());
            float[] pruned = c.w.clone();
            mask.applyTo(pruned);
            assertEquals(c.scalar("relerr_magnitude_" + pat), ReconstructionError.relative(c.w, pruned, c.rows, c.cols, c.x), 1e-9);
        }
    }
}
