package org.prune4j.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.prune4j.prune.structured.StructuredReport;

/**
 * What a structured pruning run removed and measured, with the recipe it ran. {@link #toJson} is the report
 * written beside the smaller model ({@code dense_ppl}, {@code pruned_ppl}, {@code params_before},
 * {@code params_after}, {@code layers} with the kept heads and neurons, ..., and {@code recipe}).
 */
public final class StructuredResult {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

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
        ObjectNode node = JSON.valueToTree(report);
        if (recovery != null) { // the output is the recovered model; the pruned one went to a scratch folder
            String out = recipe.output().path();
            node.put("output", out);
            node.put("file_bytes_after", recovery.outputBytes());
            node.set("recovery", recovery.tree());
        }
        node.set("recipe", RecipeFormat.toTree(recipe));
        try {
            return JSON.copy().configure(SerializationFeature.INDENT_OUTPUT, indent).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a report", e);
        }
    }
}
