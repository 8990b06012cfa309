package org.prune4j.internal.prune.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErdosRenyiKernelAllocationTest {
    static PrunableTensor t(String name, long... shape) {
        return new PrunableTensor(name, 0, shape, () -> {
            throw new AssertionError("ERK must not read scores");
        });
    }

    static double keptFraction(List<PrunableTensor> ts, Map<String, Double> s) {
        double kept = 0;
        double total = 0;
        for (PrunableTensor t : ts) {
            kept += (1 - s.get(t.name())) * t.numel();
            total += t.numel();
        }
        return kept / total;
    }

    @Test
    void densitiesFollowTheErRuleAndSumToTheTarget() {
        // LeNet-300-100 shapes [out, in]
        List<PrunableTensor> ts = List.of(t("fc1", 300, 784), t("fc2", 100, 300), t("fc3", 10, 100));
        Map<String, Double> s = new ErdosRenyiKernelAllocation().allocate(ts, 0.9);
        assertEquals(0.1, keptFraction(ts, s), 1e-12);
        double d1 = 1 - s.get("fc1");
        double d2 = 1 - s.get("fc2");
        // density ∝ (n_in + n_out) / (n_in · n_out) for layers that are not dense
        assertEquals((784.0 + 300) / (784 * 300) / ((300.0 + 100) / (300 * 100)), d1 / d2, 1e-9);
        assertTrue(d1 < d2);
    }

    @Test
    void layersAboveDensityOneAreKeptDenseAndTheRestRescaled() {
        // At 80% sparsity ε = 53240/1594 makes fc3 (10x100) 3.67 dense: it is kept dense and ε is solved
        // again over fc1 and fc2 (35.2: fc2 0.469, fc1 0.162).
        List<PrunableTensor> ts = List.of(t("fc1", 300, 784), t("fc2", 100, 300), t("fc3", 10, 100));
        Map<String, Double> s = new ErdosRenyiKernelAllocation().allocate(ts, 0.8);
        assertEquals(0.0, s.get("fc3"), 0);
        assertEquals(0.2, keptFraction(ts, s), 1e-12);
        assertEquals(1 - (0.2 * 266200 - 1000) / (1084 + 400.0) * 400 / 30000, s.get("fc2"), 1e-12);
        double d1 = 1 - s.get("fc1");
        double d2 = 1 - s.get("fc2");
        assertEquals((784.0 + 300) / (784 * 300) / ((300.0 + 100) / (300 * 100)), d1 / d2, 1e-9);
        for (double v : s.values()) {
            assertTrue(v >= 0 && v < 1);
        }
        // At 50% the redistribution cascades: fc3, then fc2 exceed 1 and only fc1 is sparse.
        s = new ErdosRenyiKernelAllocation().allocate(ts, 0.5);
        assertEquals(0.0, s.get("fc3"), 0);
        assertEquals(0.0, s.get("fc2"), 0);
        assertEquals(0.5, keptFraction(ts, s), 1e-12);
    }

    @Test
    void convolutionKernelsCountTheirSpatialDimensions() {
        ErdosRenyiKernelAllocation erk = new ErdosRenyiKernelAllocation();
        assertEquals((64 + 32 + 3 + 3) / (64.0 * 32 * 3 * 3), erk.rawDensity(new long[] {64, 32, 3, 3}), 1e-15);
        List<PrunableTensor> ts = List.of(t("conv1", 16, 3, 3, 3), t("conv2", 32, 16, 3, 3), t("fc", 10, 512));
        Map<String, Double> s = erk.allocate(ts, 0.8);
        assertEquals(0.2, keptFraction(ts, s), 1e-12);
    }

    @Test
    void powerScaleZeroIsUniform() {
        List<PrunableTensor> ts = List.of(t("a", 30, 40), t("b", 5, 6));
        Map<String, Double> s = new ErdosRenyiKernelAllocation(0).allocate(ts, 0.7);
        assertEquals(0.7, s.get("a"), 1e-12);
        assertEquals(0.7, s.get("b"), 1e-12);
    }
}
