package org.prune4j.api;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.prune4j.api.report.StructuredReport;

/**
 * What a structured pruning run removed and measured, with the recipe it ran. {@link #toJson} is the report
 * written beside the smaller model ({@code dense_ppl}, {@code pruned_ppl}, {@code params_before},
 * {@code params_after}, {@code layers} with the kept heads and neurons, ..., and {@code recipe}).
 */
public final class StructuredResult {
    private final Recipe recipe;
    private final StructuredReport report;
    private final RecoveryResult recovery;

    StructuredResult(Recipe recipe, StructuredReport report) {
        this(recipe, report, null);
    }

    StructuredResult(Recipe recipe, StructuredReport report, RecoveryResult recovery) {
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

    /** The full report: per-layer kept heads and neurons, parameter and MAC counts, times. */
    public StructuredReport report() {
        return report;
    }

    /** Where the pruned model was written, if it was. */
    public Optional<Path> output() {
        return Optional.ofNullable(recovery != null ? recipe.output().path() : report.output()).map(Path::of);
    }

    /** The perplexity before pruning, if evaluated. */
    public OptionalDouble densePerplexity() {
        return report.densePpl() == null ? OptionalDouble.empty() : OptionalDouble.of(report.densePpl());
    }

    /** The perplexity of the smaller model, if evaluated. */
    public OptionalDouble prunedPerplexity() {
        return report.prunedPpl() == null ? OptionalDouble.empty() : OptionalDouble.of(report.prunedPpl());
    }

    /** The report as JSON (snake_case keys, the recipe under {@code recipe}), indented or on one line. */
    public String toJson(boolean indent) {
        return ReportJson.withRecovery(ReportJson.tree(report), recipe, recovery, "file_bytes_after", indent);
    }

}
