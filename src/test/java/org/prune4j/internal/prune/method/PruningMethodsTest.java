package org.prune4j.internal.prune.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.linalg.InverseCholesky;
import org.prune4j.internal.prune.oneshot.Magnitude;
import org.prune4j.internal.prune.oneshot.SparseGptConfig;

/** Methods are found by name, configured from named settings, and decide through the math classes. */
class PruningMethodsTest {
    @Test
    void registryKnowsTheMethodsByName() {
        assertEquals(List.of("magnitude", "wanda", "sparsegpt", "dsnot"), List.copyOf(PruningMethods.names()));
        assertInstanceOf(WandaMethod.class, PruningMethods.byName("Wanda"));
        assertTrue(assertThrows(UserError.class, () -> PruningMethods.byName("pruneall")).getMessage()
                .contains("unknown method (magnitude, wanda, sparsegpt, dsnot)"));
        assertFalse(PruningMethods.byName("magnitude").needsCalibration());
        assertTrue(PruningMethods.byName("sparsegpt").needsCalibration());
    }

    @Test
    void settingsAreTypedCheckedAndRoundTrip() {
        PruningMethod m = PruningMethods.create("sparsegpt",
                MethodOptions.none("sparsegpt").with("blocksize", 64).with("percdamp", "0.05").with("precision", "float32"));
        assertEquals(new SparseGptMethod(new SparseGptConfig(64, 0.05, InverseCholesky.Precision.FLOAT32)), m);
        assertEquals(m, PruningMethods.create("sparsegpt", new MethodOptions("sparsegpt", m.settings())));
        assertEquals(SparseGptConfig.SHIPPED, ((SparseGptMethod) PruningMethods.byName("sparsegpt")).config());
        String e = assertThrows(UserError.class, () -> PruningMethods.create("magnitude",
                MethodOptions.none("magnitude").with("blocksize", 64))).getMessage();
        assertTrue(e.contains("does not take blocksize"), e);
        String t = assertThrows(UserError.class, () -> PruningMethods.create("sparsegpt",
                MethodOptions.none("sparsegpt").with("blocksize", "wide"))).getMessage();
        assertTrue(t.contains("blocksize: expected an integer"), t);
        assertEquals(Map.of(), PruningMethods.byName("wanda").settings());
    }

    @Test
    void magnitudeMethodMasksLikeTheMath() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = {3, -1, 0.5f, 2, -4, 0.1f, 1, 6};
            NDArray weight = m.create(w, new Shape(2, 4));
            SparsityPattern p = new SparsityPattern.Unstructured(0.5);
            PruningOutcome o = new MagnitudeMethod().prune(weight, null, p);
            PruningMask expected = Magnitude.mask(w, 2, 4, p);
            assertArrayEqualsMask(expected, ((PruningOutcome.Masked) o).mask());
            assertTrue(expected.prunedCount() >= 4, "at least half pruned");
            org.junit.jupiter.api.Assertions.assertArrayEquals(w, weight.toFloatArray(), "the method does not modify the weight");
        }
    }

    private static void assertArrayEqualsMask(PruningMask a, PruningMask b) {
        assertEquals(a.rows(), b.rows());
        assertEquals(a.cols(), b.cols());
        assertTrue(java.util.Arrays.equals(a.pruned(), b.pruned()));
    }
}
