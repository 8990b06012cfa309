package org.prune4j.prune.llm;

import java.util.List;
import java.util.Map;

/**
 * What a one-shot pruning run lost and gained, as written next to the pruned model.
 *
 * @param model the input model
 * @param output where the pruned model was written ({@code null} when not saved)
 * @param method magnitude, wanda or sparsegpt
 * @param pattern the requested pattern ({@code 0.5}, {@code 2:4})
 * @param allocation uniform, global or owl
 * @param calibration description of the calibration data ({@code null} for data-free methods)
 * @param evaluation description of the evaluation data ({@code null} when not evaluated)
 * @param blockSparsity requested sparsity of each decoder block (after allocation)
 * @param matrices achieved sparsity of every pruned matrix
 * @param sparsity achieved sparsity over all pruned matrices
 * @param prunedParameters parameters in the pruned matrices
 * @param zeroParameters zeros among them
 * @param densePpl perplexity before pruning ({@code null} when not evaluated)
 * @param prunedPpl perplexity after pruning ({@code null} when not evaluated)
 * @param stageSeconds wall-clock seconds per stage (load, calibrate+prune, evaluate, save)
 * @param seconds total wall-clock seconds
 */
public record PruneReport(
        String model,
        String output,
        String method,
        String pattern,
        String allocation,
        String calibration,
        String evaluation,
        List<Double> blockSparsity,
        Map<String, Double> matrices,
        double sparsity,
        long prunedParameters,
        long zeroParameters,
        Double densePpl,
        Double prunedPpl,
        Map<String, Double> stageSeconds,
        double seconds) {

    public PruneReport {
        blockSparsity = List.copyOf(blockSparsity);
        matrices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(matrices));
        stageSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageSeconds));
    }
}
