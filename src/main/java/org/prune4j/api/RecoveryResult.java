package org.prune4j.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalDouble;
import org.prune4j.api.report.RecoveryReport;

/**
 * What recovery fine-tuning did, as {@code prune4j recover} reports it: perplexity before ({@code pruned_ppl})
 * and after ({@code recovered_ppl}), sparsity before and after, trainable parameters, steps, tokens seen,
 * times. After pruning it is part of the pruning result ({@link PruneResult#recovery()}); a recipe that
 * only recovers ({@code method: {name: none}}) gives it from {@link Prune4j#recover(Recipe, java.io.PrintStream)} with its recipe.
 */
public final class RecoveryResult {
    private final Recipe recipe;
    private final RecoveryReport report;
    private final Long outputBytes;

    RecoveryResult(Recipe recipe, RecoveryReport report) {
        this(recipe, report, null);
    }

    RecoveryResult(Recipe recipe, RecoveryReport report, Long outputBytes) {
        this.recipe = recipe;
        this.report = report;
        this.outputBytes = outputBytes;
    }

    /** Bytes of the recovered model as written (before its report), when it was written after pruning. */
    Long outputBytes() {
        return outputBytes;
    }

    /** The job's full report (training history, perplexity curve, ...). */
    public RecoveryReport report() {
        return report;
    }

    /** Perplexity of the model before recovery, if evaluated. */
    public OptionalDouble prunedPerplexity() {
        return report.prunedPpl() == null ? OptionalDouble.empty() : OptionalDouble.of(report.prunedPpl());
    }

    /** Perplexity after recovery, if evaluated. */
    public OptionalDouble recoveredPerplexity() {
        return report.recoveredPpl() == null ? OptionalDouble.empty() : OptionalDouble.of(report.recoveredPpl());
    }

    /** Zero fraction of the blocks' Linear weights before recovery. */
    public double sparsityBefore() {
        return report.sparsityBefore();
    }

    /** The same after recovery (equal for the mask-preserving methods). */
    public double sparsityAfter() {
        return report.sparsityAfter();
    }

    /** Parameters trained. */
    public long trainableParameters() {
        return report.trainableParameters();
    }

    /** Optimiser steps taken. */
    public long steps() {
        return report.steps();
    }

    /** The report as a JSON tree, without a recipe. */
    ObjectNode tree() {
        return ReportJson.parse(report.toJson(false));
    }


    /** The report as JSON (the keys of {@code prune4j recover}'s report, and the recipe under {@code recipe}). */
    public String toJson(boolean indent) {
        return ReportJson.withRecipe(tree(), recipe, indent);
    }

}
