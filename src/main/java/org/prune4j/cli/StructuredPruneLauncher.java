package org.prune4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.prune4j.UserError;
import org.prune4j.io.IdsFileSpec;
import org.prune4j.prune.structured.FlapMetric;
import org.prune4j.prune.structured.StructuredMethod;
import org.prune4j.prune.structured.StructuredPruneJob;
import org.prune4j.prune.structured.StructuredReport;
import org.prune4j.prune.structured.StructuredSettings;
import org.prune4j.prune.structured.TaylorVariant;
import org.prune4j.prune.structured.Units;
import org.prune4j.prune.structured.WidthAllocation;

/** Hands {@code prune4j prune --method <structured>} from {@link PruneCommand} to {@link StructuredPruneJob}. */
final class StructuredPruneLauncher {
    private StructuredPruneLauncher() {}

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
        StructuredSettings s = StructuredSettings.defaults(method, o.ratio == null ? 0 : o.ratio, o.layers == null ? 0 : o.layers);
        s = s.with(Units.parse(o.units, method),
                c.allocation == null ? s.allocation() : WidthAllocation.parse(c.allocation),
                o.roundTo == null ? 1 : o.roundTo);
        if (o.metric != null) {
            s = s.withMetric(FlapMetric.parse(o.metric));
        }
        if (o.biasCompensation != null) {
            s = s.withBiasCompensation(o.biasCompensation);
        }
        if (o.taylor != null) {
            s = s.withTaylor(TaylorVariant.parse(o.taylor));
        }
        s = s.withBatch(c.batch);
        StructuredPruneJob.Io io = new StructuredPruneJob.Io(c.model, c.tokenizer,
                c.calibration == null ? null : c.calibration.text,
                c.calibration == null || c.calibration.ids == null ? null : IdsFileSpec.parse(c.calibration.ids),
                c.nsamples, c.seqLen, c.seed,
                c.evaluation == null ? null : c.evaluation.text,
                c.evaluation == null || c.evaluation.ids == null ? null : IdsFileSpec.parse(c.evaluation.ids),
                c.evalSeqLen, c.maxEvalWindows, c.out, c.format);
        StructuredReport r = new StructuredPruneJob(System.err).run(io, s);
        if (c.json) {
            System.out.println(StructuredPruneJob.toJson(r, false));
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
