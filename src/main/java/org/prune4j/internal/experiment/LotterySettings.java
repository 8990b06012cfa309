package org.prune4j.internal.experiment;

import java.util.List;

/**
 * An iterative-magnitude-pruning (lottery ticket) experiment: levels, rate, rewind point, control and
 * allocation. Every component is a flag and part of the run's hash.
 */
public record LotterySettings(
        @Flag(name = "--levels", label = "L", description = "Pruning levels after the dense run.")
        int levels,
        @Flag(name = "--rate", label = "P", description = "Fraction of the remaining weights pruned per level, in (0, 1).")
        double rate,
        @Flag(name = "--rewind-iter", label = "K", description = "Rewind survivors to their values after K training steps (0: to the initialisation).")
        long rewindIter,
        @Flag(name = "--control", label = "NAME", description = "none, reinit (ticket masks, fresh initialisation) or random-mask (random masks with the tickets' per-layer sparsity).")
        String control,
        @Flag(name = "--allocation", label = "NAME", description = "layerwise (every layer at the rate), global (one magnitude threshold), erk or lamp.")
        String allocation) {

    public static final LotterySettings DEFAULTS = new LotterySettings(8, 0.2, 0, "none", "layerwise");

    public LotterySettings {
        Choices.atLeast("--levels", levels, 1);
        Choices.inRange("--rate", rate, 0, 1, true, true);
        Choices.atLeast("--rewind-iter", rewindIter, 0);
        control = Choices.oneOf("--control", control, List.of("none", "reinit", "random-mask"));
        allocation = Choices.oneOf("--allocation", allocation, List.of("layerwise", "global", "erk", "lamp"));
    }

    /** The same experiment without a control: the run whose tickets a control run reuses. */
    public LotterySettings withoutControl() {
        return new LotterySettings(levels, rate, rewindIter, "none", allocation);
    }

    /** The same experiment with {@code newControl}. */
    public LotterySettings withControl(String newControl) {
        return new LotterySettings(levels, rate, rewindIter, newControl, allocation);
    }
}
