package org.prune4j.internal.train;

import java.util.Arrays;

/**
 * A learning-rate multiplier as a function of the global step (0-based) and the total number of steps:
 * the optimiser uses {@code baseLr · factor(step, total)}.
 */
public sealed interface LearningRateSchedule {

    /** The multiplier for {@code step} of a run of {@code totalSteps} steps. */
    double factor(long step, long totalSteps);

    /** Always 1. */
    record Constant() implements LearningRateSchedule {
        @Override
        public double factor(long step, long totalSteps) {
            return 1;
        }
    }

    /** Multiplies by {@code gamma} at each milestone step (the milestone step itself uses the lower rate). */
    record StepDecay(long[] milestones, double gamma) implements LearningRateSchedule {
        public StepDecay {
            milestones = milestones.clone();
            Arrays.sort(milestones);
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step decay gamma must be in (0, 1], got " + gamma);
            }
        }

        @Override
        public long[] milestones() {
            return milestones.clone();
        }

        @Override
        public double factor(long step, long totalSteps) {
            int passed = 0;
            for (long m : milestones) {
                if (step >= m) {
                    passed++;
                }
            }
            return Math.pow(gamma, passed);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StepDecay s && Arrays.equals(s.milestones, milestones) && s.gamma == gamma;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(milestones) * 31 + Double.hashCode(gamma);
        }

        @Override
        public String toString() {
            return "StepDecay[milestones=" + Arrays.toString(milestones) + ", gamma=" + gamma + "]";
        }
    }

    /** Cosine annealing from 1 to {@code finalFactor} over the run. */
    record Cosine(double finalFactor) implements LearningRateSchedule {
        public Cosine {
            if (!(finalFactor >= 0 && finalFactor <= 1)) {
                throw new IllegalArgumentException("cosine final factor must be in [0, 1], got " + finalFactor);
            }
        }

        @Override
        public double factor(long step, long totalSteps) {
            if (totalSteps <= 1) {
                return 1;
            }
            double progress = Math.min(1.0, Math.max(0.0, step / (double) (totalSteps - 1)));
            return finalFactor + (1 - finalFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /**
     * Linear warm-up from {@code 1/(steps+1)} to 1 over the first {@code steps} steps, then {@code after}
     * over the remaining steps (its step count starts at 0 when the warm-up ends).
     */
    record Warmup(long steps, LearningRateSchedule after) implements LearningRateSchedule {
        public Warmup {
            if (steps < 0) {
                throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
            }
        }

        @Override
        public double factor(long step, long totalSteps) {
            if (step < steps) {
                return (step + 1) / (double) (steps + 1);
            }
            return after.factor(step - steps, Math.max(1, totalSteps - steps));
        }
    }
}
