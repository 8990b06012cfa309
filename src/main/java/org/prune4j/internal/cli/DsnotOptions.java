package org.prune4j.internal.cli;

import org.prune4j.UserError;
import org.prune4j.internal.prune.method.DsnotMethod;
import org.prune4j.internal.prune.method.MethodOptions;
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
    Double threshold;

    @Option(names = "--dsnot-var-power", description = "DSnoT: power of the input variance dividing the regrow metric (0: none). Default: 1.")
    Double varPower;

    @Option(names = "--dsnot-skip", description = "DSnoT: sub-layers that keep their initial mask: mlp, self_attn or none. Default: mlp (the original's).")
    String skip;

    @Option(names = "--dsnot-corrected", description = "DSnoT: stopped rows stay put and every change is a swap, so the "
            + "sparsity is exact and N:M groups stay N:M (the original moves and writes stopped rows).")
    boolean corrected;

    /** {@code options} with the DSnoT settings given, or a one-line error when they come with another method. */
    MethodOptions addTo(String method, MethodOptions options) {
        boolean any = init != null || maxCycles != null || threshold != null || varPower != null || skip != null || corrected;
        if (!method.equalsIgnoreCase(DsnotMethod.NAME)) {
            if (any) {
                throw new UserError("--dsnot-* options apply to --method dsnot only, not " + method);
            }
            return options;
        }
        MethodOptions o = options;
        if (init != null) {
            o = o.with(DsnotMethod.INIT, init);
        }
        if (maxCycles != null) {
            o = o.with(DsnotMethod.MAX_CYCLES, maxCycles);
        }
        if (threshold != null) {
            o = o.with(DsnotMethod.THRESHOLD, threshold);
        }
        if (varPower != null) {
            o = o.with(DsnotMethod.VAR_POWER, varPower);
        }
        if (skip != null) {
            o = o.with(DsnotMethod.SKIP, skip);
        }
        if (corrected) {
            o = o.with(DsnotMethod.CORRECTED, true);
        }
        return o;
    }
}
