package org.prune4j.internal.prune.allocation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LampAllocationTest {
    @Test
    void scoresMatchAHandComputedExample() {
        // |w| = 1, 2, 3, 4 in scrambled order; squares 1, 4, 9, 16 (sum 30)
        // LAMP: 1/30, 4/29, 9/25, 16/16
        float[] w = {3, -1, 4, 2};
        float[] lamp = LampAllocation.scores(w);
        assertArrayEquals(new float[] {9f / 25, 1f / 30, 1f, 4f / 29}, lamp, 1e-7f);
    }

    @Test
    void globalThresholdOnLampScoresFavoursSmallLayers() {
        // a: 8 weights 1..8 ; b: 2 weights 0.1, 0.2 (tiny layer, small magnitudes)
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] b = {0.1f, 0.2f};
        List<PrunableTensor> ts = List.of(new PrunableTensor("a", 0, new long[] {2, 4}, () -> a),
                new PrunableTensor("b", 1, new long[] {1, 2}, () -> b));
        // LAMP of b: 0.01/0.05 = 0.2, 1 ; of a: 1/204, 4/203, 9/199, 16/190, 25/174, 36/149, 49/113, 1
        // prune 5 of 10: the five smallest are a's 1/204, 4/203, 9/199, 16/190, 25/174 (< 0.2)
        Map<String, Double> s = new LampAllocation().allocate(ts, 0.5);
        assertEquals(5 / 8.0, s.get("a"), 1e-12);
        assertEquals(0.0, s.get("b"), 1e-12);
        // prune 6: b's 0.2 goes next (0.2 < 36/149 = 0.2416)
        s = new LampAllocation().allocate(ts, 0.6);
        assertEquals(5 / 8.0, s.get("a"), 1e-12);
        assertEquals(0.5, s.get("b"), 1e-12);
        // magnitude alone would have pruned both of b first; LAMP never empties a layer
        s = new LampAllocation().allocate(ts, 0.8);
        assertTrue(s.get("b") < 1.0 && s.get("a") < 1.0);
    }
}
