package org.prune4j.internal.pipeline.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a one-shot pruning run lost and gained, as written next to the pruned model.
 *
 * @param model the input model
 * @param output where the pruned model was written ({@code null} when not saved)
 * @param format the output format ({@code null} when not saved)
 * @param method the method's name
 * @param methodSettings the method's settings ({@code blocksize}, ...)
 * @param pattern the requested pattern ({@code 0.5}, {@code 2:4})
 * @param allocation uniform, global or owl
 * @param residency how the model was held: resident (in memory) or streamed (block by block)
 * @param calibration description of the calibration data ({@code null} for data-free methods)
 * @param evaluation description of the evaluation data ({@code null} when not evaluated)
 * @param blockSparsity requested sparsity of each decoder block (after allocation)
 * @param matrices achieved sparsity of every pruned matrix
 * @param sparsity achieved sparsity over all pruned matrices
 * @param prunedParameters parameters in the matrices the method pruned (every weight of the Linear
 *     layers of the decoder blocks, kept or not; embedding, norms and classifier are not counted)
 * @param prunedParametersCounts what {@code prunedParameters} counts, in words
 * @param zeroParameters zeros among the {@code prunedParameters}
 * @param densePpl perplexity before pruning ({@code null} when not evaluated)
 * @param prunedPpl perplexity after pruning ({@code null} when not evaluated)
 * @param denseTokensPerSecond measured evaluation throughput of the dense model ({@code null} when not evaluated)
 * @param prunedTokensPerSecond the same for the pruned model, in the same run
 * @param inputBytes size of the input model on disk
 * @param outputBytes size of the written model on disk ({@code null} when not saved)
 * @param storage what the zeros gain on disk and in time, in words
 * @param stageSeconds wall-clock seconds per stage
 * @param seconds total wall-clock seconds
 */
public record PruneReport(
        String model,
        String output,
        String format,
        String method,
        Map<String, Object> methodSettings,
        String pattern,
        String allocation,
        String residency,
        String calibration,
        String evaluation,
        List<Double> blockSparsity,
        Map<String, Double> matrices,
        double sparsity,
        long prunedParameters,
        String prunedParametersCounts,
        long zeroParameters,
        Double densePpl,
        Double prunedPpl,
        Double denseTokensPerSecond,
        Double prunedTokensPerSecond,
        long inputBytes,
        Long outputBytes,
        String storage,
        Map<String, Double> stageSeconds,
        double seconds) {

    /** The definition of {@link #prunedParameters} written in every report. */
    public static final String PRUNED_PARAMETERS_COUNTS = "weights of the Linear layers of the decoder blocks (the "
            + "matrices the method prunes), kept or zeroed; zero_parameters are the zeros among them";

    /** What unstructured zeros gain, said plainly in every report. */
    public static final String DENSE_STORAGE = "pruned weights are stored as zeros in a dense format: the file is "
            + "as large as the input's and inference runs at dense speed; the zeros save neither disk nor time "
            + "(--format hf-sparse-bitmask or hf-sparse-24 stores them compressed, which saves disk but not time)";

    /** What a compressed sparse output gains, said plainly in every report that writes one. */
    public static final String COMPRESSED_STORAGE = "the blocks' Linear weights are stored in a compressed-tensors sparse "
            + "layout (nonzero values plus a bitmask): the file is smaller, but every runtime decompresses it to dense on "
            + "load, so inference runs at dense speed";

    public PruneReport {
        blockSparsity = List.copyOf(blockSparsity);
        matrices = Collections.unmodifiableMap(new LinkedHashMap<>(matrices));
        methodSettings = Collections.unmodifiableMap(new LinkedHashMap<>(methodSettings));
        stageSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(stageSeconds));
    }
}
