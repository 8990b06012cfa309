package org.prune4j.cli;

import org.prune4j.UserError;
import org.prune4j.prune.llm.OneShotMethod;
import org.prune4j.prune.oneshot.Dsnot;
import picocli.CommandLine.Option;

/** The {@code prune} options of {@code --method dsnot}; refused with any other method. */
final class DsnotOptions {
    @Option(names = "--dsnot-init", description = "DSnoT: the initial mask, wanda or magnitude (row-wise |W|). Default: wanda.")
    String init;

    @Option(names = "--dsnot-max-cycles", description = "DSnoT: the cycle limit. Default: the original's 50, lowered per "
            + "matrix to the longest run the original survives on rows that narrow (cols - int(cols*s) unstructured, cols for N:M); "
            + "50 with --dsnot-corrected.")
    Integer maxCycles;

    @Option(names = "--dsnot-threshold", description = "DSnoT: a row stops once |its expected output error| <= this. Default: 0.1.")
    Float threshold;

    @Option(names = "--dsnot-var-power", description = "DSnoT: power of the input variance dividing the regrow metric (0: none). Default: 1.")
    Double varPower;

    @Option(names = "--dsnot-skip", description = "DSnoT: sub-layers that keep their initial mask: mlp, self_attn or none. Default: mlp (the original's).")
    String skip;

    @Option(names = "--dsnot-corrected", description = "DSnoT: stopped rows stay put and every change is a swap, so the "
            + "sparsity is exact and N:M groups stay N:M (the original moves and writes stopped rows).")
    boolean corrected;

    /** The settings, or a one-line error when a DSnoT option comes with another method. */
    Dsnot.Settings settings(OneShotMethod method) {
        boolean any = init != null || maxCycles != null || threshold != null || varPower != null || skip != null || corrected;
        if (method != OneShotMethod.DSNOT) {
            if (any) {
                throw new UserError("--dsnot-* options apply to --method dsnot only, not " + method.cliName());
            }
            return Dsnot.Settings.defaults(Dsnot.InitialMask.WANDA);
        }
        Dsnot.Settings d = Dsnot.Settings.defaults(init == null ? Dsnot.InitialMask.WANDA : Dsnot.InitialMask.parse(init));
        if (maxCycles != null) {
            if (maxCycles < 0) {
                throw new UserError("--dsnot-max-cycles must be >= 0 (got " + maxCycles + ")");
            }
            d = d.withMaxCycles(maxCycles);
        }
        if (skip != null) {
            d = d.withSkip(Dsnot.SkippedLayers.parse(skip));
        }
        return new Dsnot.Settings(d.init(), d.maxCycles(), threshold == null ? d.updateThreshold() : threshold,
                varPower == null ? d.varPower() : varPower, d.skip(), corrected);
    }
}
