package org.prune4j.internal.cli;

import picocli.CommandLine.Option;

/** The options of {@code prune4j prune} that only the structured methods take (a picocli mixin of {@link PruneCommand}). */
final class StructuredPruneOptions {
    @Option(names = "--ratio", description = "Structured methods: fraction of decoder-block parameters to remove, in (0, 1) "
            + "(layer methods: round(R x layers) layers).")
    Double ratio;

    @Option(names = "--layers", description = "block-influence / angular: number of layers (or sublayers, see --units) to remove.")
    Integer layers;

    @Option(names = "--units", description = "Structured units: heads|query-heads|kv-groups and/or neurons, comma-separated "
            + "(default kv-groups,neurons: on a multi-head model a group is one head; heads prunes single query heads of a GQA model and copies key/value heads to keep groups equal); for block-influence/angular: layers (default), attention or mlp.")
    String units;

    @Option(names = "--round-to", description = "Keep MLP widths at multiples of K (hardware-friendly). Default: 1 (no rounding).")
    Integer roundTo;

    @Option(names = "--metric", description = "flap: IFV, WIFV or WIFN. Default: WIFV.")
    String metric;

    @Option(names = "--bias-compensation", negatable = true, description = "flap: fold the removed channels' mean "
            + "contribution into o_proj/down_proj biases (default: on; --no-bias-compensation turns it off).")
    Boolean biasCompensation;

    @Option(names = "--taylor", description = "taylor: element (Σ|W·∂L/∂W| per unit, LLM-Pruner's param_first) or vector "
            + "(|Σ W·∂L/∂W| per row/column). Default: element.")
    String taylor;

    /** True when any structured-only option was given. */
    boolean anyGiven() {
        return ratio != null || layers != null || units != null || roundTo != null || metric != null || biasCompensation != null
                || taylor != null;
    }
}
