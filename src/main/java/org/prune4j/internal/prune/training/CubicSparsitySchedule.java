package org.prune4j.internal.prune.training;

/**
 * The gradual pruning schedule of Zhu & Gupta (2017, "To prune, or not to prune"): starting at step
 * {@code t0 = beginStep} the sparsity rises from {@code s_i} to {@code s_f} every {@code Δt = frequency}
 * steps along {@code s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³}, with {@code nΔt = endStep − beginStep};
 * it is {@code s_f} from {@code endStep} on and 0 before {@code beginStep}. Pruning happens at
 * {@code t0, t0 + Δt, ...} and at {@code endStep}.
 *
 * @param initialSparsity {@code s_i}, in [0, 1)
 * @param finalSparsity {@code s_f}, in [s_i, 1)
 * @param beginStep {@code t0}, ≥ 0
 * @param endStep ≥ beginStep
 * @param frequency {@code Δt}, ≥ 1
 */
public record CubicSparsitySchedule(double initialSparsity, double finalSparsity, long beginStep, long endStep,
        long frequency) {
    public CubicSparsitySchedule {
        if (!(initialSparsity >= 0 && initialSparsity < 1)) {
            throw new IllegalArgumentException("initial sparsity must be in [0, 1), got " + initialSparsity);
        }
        if (!(finalSparsity >= initialSparsity && finalSparsity < 1)) {
            throw new IllegalArgumentException("final sparsity must be in [initial sparsity, 1), got " + finalSparsity);
        }
        if (beginStep < 0 || endStep < beginStep) {
            throw new IllegalArgumentException("need 0 <= begin step <= end step, got " + beginStep + ", " + endStep);
        }
        if (frequency < 1) {
            throw new IllegalArgumentException("pruning frequency must be >= 1 step, got " + frequency);
        }
    }

    /** True at the steps where masks are updated. */
    public boolean isPruningStep(long step) {
        return step >= beginStep && step <= endStep && ((step - beginStep) % frequency == 0 || step == endStep);
    }

    /** The schedule's sparsity at {@code step} (the continuous curve, evaluated at any step). */
    public double sparsityAt(long step) {
        if (step < beginStep) {
            return 0;
        }
        if (step >= endStep) {
            return finalSparsity;
        }
        double progress = (step - beginStep) / (double) (endStep - beginStep);
        double r = 1 - progress;
        return finalSparsity + (initialSparsity - finalSparsity) * r * r * r;
    }
}
