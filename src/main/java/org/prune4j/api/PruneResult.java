package org.prune4j.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.prune4j.internal.pipeline.report.PruneReport;

/**
 * What a pruning run lost and gained, with the recipe it ran. {@link #toJson} is the report written
 * beside the pruned model ({@code dense_ppl}, {@code pruned_ppl}, {@code sparsity}, {@code matrices},
 * {@code seconds}, ..., and {@code recipe}).
 */
public final class PruneResult {
    private final Recipe recipe;
    private final PruneReport report;
    private final RecoveryResult recovery;

    PruneResult(Recipe recipe, PruneReport report) {
        this(recipe, report, null);
    }

    PruneResult(Recipe recipe, PruneReport report, RecoveryResult recovery) {
        this.recipe = recipe;
        this.report = report;
        this.recovery = recovery;
    }

    /** What recovery after pruning did, when the recipe has a {@code recovery} method; the output is then the recovered model. */
    public Optional<RecoveryResult> recovery() {
        return Optional.ofNullable(recovery);
    }

    /** The recipe that was run; running it again gives the same output, bit for bit. */
    public Recipe recipe() {
        return recipe;
    }

    /** The model as the recipe names it. */
    public String model() {
        return report.model();
    }

    /** Where the pruned model was written, if it was. */
    public Optional<Path> output() {
        return Optional.ofNullable(recovery != null ? recipe.output().path() : report.output()).map(Path::of);
    }

    /** The output format ({@code hf}, {@code llama2c}), if saved. */
    public Optional<String> format() {
        return Optional.ofNullable(report.format());
    }

    /** How the model was held: {@code resident} or {@code streamed}. */
    public String residency() {
        return report.residency();
    }

    /** Size of the input model on disk, in bytes. */
    public long inputBytes() {
        return report.inputBytes();
    }

    /** Size of the written model on disk, if saved. */
    public Optional<Long> outputBytes() {
        if (recovery != null) {
            return Optional.ofNullable(recovery.outputBytes());
        }
        return Optional.ofNullable(report.outputBytes());
    }

    /** Measured evaluation throughput of the dense model (tokens/s), if evaluated. */
    public OptionalDouble denseTokensPerSecond() {
        return report.denseTokensPerSecond() == null ? OptionalDouble.empty() : OptionalDouble.of(report.denseTokensPerSecond());
    }

    /** The same for the pruned model, in the same run. */
    public OptionalDouble prunedTokensPerSecond() {
        return report.prunedTokensPerSecond() == null ? OptionalDouble.empty() : OptionalDouble.of(report.prunedTokensPerSecond());
    }

    /** What the zeros gain on disk and in time, in words. */
    public String storage() {
        return report.storage();
    }

    /** The method's name. */
    public String method() {
        return report.method();
    }

    /** The requested sparsity pattern ({@code 0.5}, {@code 2:4}). */
    public String pattern() {
        return report.pattern();
    }

    /** The allocation's name. */
    public String allocation() {
        return report.allocation();
    }

    /** A description of the calibration data, empty for data-free methods. */
    public Optional<String> calibration() {
        return Optional.ofNullable(report.calibration());
    }

    /** A description of the evaluation data, empty when not evaluated. */
    public Optional<String> evaluation() {
        return Optional.ofNullable(report.evaluation());
    }

    /** The achieved sparsity over all pruned matrices. */
    public double sparsity() {
        return report.sparsity();
    }

    /** Parameters in the pruned matrices. */
    public long prunedParameters() {
        return report.prunedParameters();
    }

    /** Zeros among them. */
    public long zeroParameters() {
        return report.zeroParameters();
    }

    /** The achieved sparsity of every pruned matrix, by tensor name, in model order. */
    public Map<String, Double> matrixSparsity() {
        return report.matrices();
    }

    /** The requested sparsity of every decoder block (after allocation). */
    public List<Double> blockSparsity() {
        return report.blockSparsity();
    }

    /** The perplexity before pruning, if evaluated. */
    public OptionalDouble densePerplexity() {
        return report.densePpl() == null ? OptionalDouble.empty() : OptionalDouble.of(report.densePpl());
    }

    /** The perplexity after pruning, if evaluated. */
    public OptionalDouble prunedPerplexity() {
        return report.prunedPpl() == null ? OptionalDouble.empty() : OptionalDouble.of(report.prunedPpl());
    }

    /** Wall-clock seconds per stage, in order. */
    public Map<String, Double> stageSeconds() {
        return report.stageSeconds();
    }

    /** Total wall-clock seconds. */
    public double seconds() {
        return report.seconds();
    }

    /** The report as JSON (snake_case keys, the recipe under {@code recipe}), indented or on one line. */
    public String toJson(boolean indent) {
        return ReportJson.withRecovery(ReportJson.tree(report), recipe, recovery, "output_bytes", indent);
    }

}
