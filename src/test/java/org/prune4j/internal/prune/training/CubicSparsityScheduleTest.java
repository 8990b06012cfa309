package org.prune4j.internal.prune.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CubicSparsityScheduleTest {
    @Test
    void followsTheCubicCurve() {
        var s = new CubicSparsitySchedule(0.1, 0.9, 100, 1100, 100);
        assertEquals(0, s.sparsityAt(99), 0);
        assertEquals(0.1, s.sparsityAt(100), 1e-12);
        // t = 600: (t - t0)/(nΔt) = 0.5 → s_f + (s_i - s_f)·0.125
        assertEquals(0.9 + (0.1 - 0.9) * 0.125, s.sparsityAt(600), 1e-12);
        assertEquals(0.9 + (0.1 - 0.9) * Math.pow(1 - 0.3, 3), s.sparsityAt(400), 1e-12);
        assertEquals(0.9, s.sparsityAt(1100), 1e-12);
        assertEquals(0.9, s.sparsityAt(5000), 1e-12);
        for (long t = 100; t < 1100; t += 100) {
            assertTrue(s.sparsityAt(t + 100) > s.sparsityAt(t));
        }
    }

    @Test
    void prunesEveryDeltaTAndAtTheEnd() {
        var s = new CubicSparsitySchedule(0, 0.8, 10, 45, 10);
        assertFalse(s.isPruningStep(9));
        assertTrue(s.isPruningStep(10));
        assertFalse(s.isPruningStep(11));
        assertTrue(s.isPruningStep(40));
        assertTrue(s.isPruningStep(45));
        assertFalse(s.isPruningStep(50));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new CubicSparsitySchedule(0.5, 0.4, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new CubicSparsitySchedule(0, 1.0, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new CubicSparsitySchedule(0, 0.5, 10, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new CubicSparsitySchedule(0, 0.5, 0, 10, 0));
    }
}
