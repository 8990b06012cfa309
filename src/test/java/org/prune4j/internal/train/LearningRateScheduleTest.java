package org.prune4j.internal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void stepDecayDropsAtMilestones() {
        var s = new LearningRateSchedule.StepDecay(new long[] {10, 20}, 0.1);
        assertEquals(1, s.factor(9, 30), 0);
        assertEquals(0.1, s.factor(10, 30), 1e-12);
        assertEquals(0.01, s.factor(25, 30), 1e-12);
    }

    @Test
    void cosineGoesFromOneToFinal() {
        var s = new LearningRateSchedule.Cosine(0.0);
        assertEquals(1, s.factor(0, 101), 1e-12);
        assertEquals(0.5, s.factor(50, 101), 1e-12);
        assertEquals(0, s.factor(100, 101), 1e-12);
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        var s = new LearningRateSchedule.Warmup(4, new LearningRateSchedule.Cosine(0));
        assertEquals(0.2, s.factor(0, 14), 1e-12);
        assertEquals(0.8, s.factor(3, 14), 1e-12);
        assertEquals(1.0, s.factor(4, 14), 1e-12);
        assertEquals(0.0, s.factor(13, 14), 1e-12);
    }
}
