package org.prune4j.internal.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.prune4j.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.api.Prune4j;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecipeFormat;
import org.prune4j.api.StructuredResult;
import org.prune4j.internal.prune.method.MethodOptions;
import org.prune4j.internal.prune.structured.StructuredMethod;
import org.prune4j.internal.prune.structured.StructuredPruneJob;
import org.prune4j.internal.prune.structured.StructuredRecipeKeys;
import org.prune4j.api.report.StructuredReport;

/** Hands {@code prune4j prune --method <structured>} from {@link PruneCommand} to the API as a recipe ({@link Prune4j#runStructured}). */
final class StructuredPruneLauncher {
    private StructuredPruneLauncher() {}

    /** The structured settings the flags give, by recipe key (see {@link StructuredRecipeKeys}). */
    static Map<String, Object> settings(PruneCommand c) {
        StructuredPruneOptions o = c.structured;
        Map<String, Object> m = new LinkedHashMap<>();
        putIfGiven(m, "ratio", o.ratio);
        putIfGiven(m, "layers", o.layers);
        putIfGiven(m, "units", o.units);
        putIfGiven(m, "allocation", c.allocation);
        putIfGiven(m, "round_to", o.roundTo);
        putIfGiven(m, "metric", o.metric);
        putIfGiven(m, "bias_compensation", o.biasCompensation);
        putIfGiven(m, "taylor", o.taylor);
        return m;
    }

    private static void putIfGiven(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    static int run(PruneCommand c, StructuredMethod method) {
        StructuredPruneOptions o = c.structured;
        if (c.sparsity != null) {
            throw new UserError("--sparsity " + c.sparsity + ": --method " + method.cliName() + " removes whole "
                    + (method.removesWidth() ? "heads and neurons; give --ratio R (fraction of block parameters)"
                            : "layers; give --layers N") + " instead of --sparsity or N:M");
        }
        if (o.metric != null && method != StructuredMethod.FLAP) {
            throw new UserError("--metric is FLAP's; --method " + method.cliName() + " has no metric choice");
        }
        if (o.taylor != null && method != StructuredMethod.TAYLOR) {
            throw new UserError("--taylor is for --method taylor");
        }
        if (o.biasCompensation != null && method != StructuredMethod.FLAP) {
            throw new UserError("--bias-compensation is FLAP's; --method " + method.cliName() + " adds no bias");
        }
        if (c.allocation != null && !method.removesWidth()) {
            throw new UserError("--allocation: --method " + method.cliName() + " removes layers; it has no allocation");
        }
        Recipe recipe = PruneFlagsRecipe.of(c, MethodOptions.none(c.method));
        if (c.printRecipe) {
            System.out.print(RecipeFormat.toYaml(recipe));
            return 0;
        }
        StructuredResult result = Prune4j.runStructured(recipe, System.err);
        StructuredReport r = result.report();
        if (c.json) {
            System.out.println(result.toJson(false));
        } else {
            print(r, System.out);
        }
        return 0;
    }

    static void print(StructuredReport r, PrintStream out) {
        out.printf(Locale.ROOT, "pruned %s with %s (units %s%s)%n", r.model(), r.method(), r.units(),
                r.allocation() == null ? "" : ", " + r.allocation() + " allocation");
        if (r.calibration() != null) {
            out.println("  calibration: " + r.calibration());
        }
        for (StructuredReport.Layer l : r.layers()) {
            if (l.removed()) {
                out.printf(Locale.ROOT, "  layer %d: removed%n", l.layer());
            } else {
                out.printf(Locale.ROOT, "  layer %d: query heads %s, kv heads %s, %d neurons%s%n", l.layer(),
                        Arrays.toString(l.keptQueryHeads()), Arrays.toString(l.keptKvHeads()), l.keptNeurons().length,
                        l.oProjBias() || l.downProjBias() ? " (+ compensation biases)" : "");
            }
        }
        out.printf(Locale.ROOT, "  block parameters %d -> %d (%.1f%% removed); all parameters %d -> %d%n", r.blockParamsBefore(),
                r.blockParamsAfter(), 100 * r.blockParamsRemovedFraction(), r.paramsBefore(), r.paramsAfter());
        out.printf(Locale.ROOT, "  MACs per token %d -> %d; file bytes %d -> %d%n", r.macsPerTokenBefore(), r.macsPerTokenAfter(),
                r.fileBytesBefore(), r.fileBytesAfter());
        if (r.densePpl() != null) {
            out.printf(Locale.ROOT, "  perplexity: dense %.4f -> pruned %.4f (%+.1f%%) on %s%n", r.densePpl(), r.prunedPpl(),
                    100 * (r.prunedPpl() / r.densePpl() - 1), r.evaluation());
        }
        if (r.output() != null) {
            out.println("  wrote " + r.output() + " and " + StructuredPruneJob.reportPath(java.nio.file.Path.of(r.output())));
        }
    }
}
