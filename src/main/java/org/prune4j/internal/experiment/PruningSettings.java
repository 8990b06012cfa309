package org.prune4j.internal.experiment;

import java.util.List;

/**
 * What {@code prune4j train} prunes: nothing, gradually during training (cubic schedule), or once at
 * initialisation (SNIP, GraSP, SynFlow, random). Every component is a flag and part of the run's hash.
 */
public record PruningSettings(
        @Flag(name = "--prune", label = "METHOD", description = "none, gradual, snip, grasp, synflow or random.")
        String method,
        @Flag(name = "--sparsity", label = "S", description = "Pruning at initialisation: fraction of weights to prune, in [0, 1).")
        double sparsity,
        @Flag(name = "--initial-sparsity", label = "S", description = "Gradual: sparsity at the begin step.")
        double initialSparsity,
        @Flag(name = "--final-sparsity", label = "S", description = "Gradual: sparsity from the end step on, in [0, 1).")
        double finalSparsity,
        @Flag(name = "--begin-step", label = "T", description = "Gradual: first pruning step.")
        long beginStep,
        @Flag(name = "--end-step", label = "T", description = "Gradual: last pruning step (-1: at 75% of the run).")
        long endStep,
        @Flag(name = "--prune-frequency", label = "STEPS", description = "Gradual: steps between pruning steps.")
        long frequency,
        @Flag(name = "--allocation", label = "NAME", description = "How sparsity is spread over layers: auto (layerwise for gradual/random, global for snip/grasp/synflow), layerwise, global, erk or lamp.")
        String allocation,
        @Flag(name = "--score-examples", label = "N", description = "SNIP/GraSP: training examples the scores are computed on.")
        int scoreExamples,
        @Flag(name = "--synflow-iterations", label = "N", description = "SynFlow: pruning rounds (exponential schedule).")
        int synflowIterations) {

    static final List<String> METHODS = List.of("none", "gradual", "snip", "grasp", "synflow", "random");

    public static final PruningSettings DEFAULTS = new PruningSettings("none", 0.9, 0.0, 0.9, 0, -1, 100, "auto", 100, 100);

    public PruningSettings {
        method = Choices.oneOf("--prune", method, METHODS);
        Choices.inRange("--sparsity", sparsity, 0, 1, false, true);
        Choices.inRange("--initial-sparsity", initialSparsity, 0, 1, false, true);
        Choices.inRange("--final-sparsity", finalSparsity, initialSparsity, 1, false, true);
        Choices.atLeast("--begin-step", beginStep, 0);
        if (endStep != -1 && endStep < beginStep) {
            throw new org.prune4j.UserError("--end-step " + endStep + ": must be -1 or >= --begin-step " + beginStep);
        }
        Choices.atLeast("--prune-frequency", frequency, 1);
        // "auto" stays "auto" here (resolving it would bake one method's choice into the flag default)
        allocation = Choices.oneOf("--allocation", allocation, List.of("auto", "layerwise", "global", "erk", "lamp"));
        Choices.atLeast("--score-examples", scoreExamples, 1);
        Choices.atLeast("--synflow-iterations", synflowIterations, 1);
    }

    /**
     * The allocation to use: {@code --allocation}, with {@code auto} meaning global for SNIP, GraSP and
     * SynFlow (as in their papers) and layerwise (uniform) for gradual and random pruning.
     */
    public String effectiveAllocation() {
        if (!allocation.equals("auto")) {
            return allocation;
        }
        return switch (method) {
            case "snip", "grasp", "synflow" -> "global";
            default -> "layerwise";
        };
    }

    /** True for the methods that prune before training. */
    public boolean atInitialization() {
        return switch (method) {
            case "snip", "grasp", "synflow", "random" -> true;
            default -> false;
        };
    }
}
