package org.prune4j.internal.pipeline.prune;

import java.util.Locale;
import org.prune4j.UserError;

/** How the target sparsity is spread over the pruned matrices of an LLM. */
public enum AllocationKind {
    /** Every matrix gets the target sparsity. */
    UNIFORM,
    /** One magnitude threshold over all pruned matrices (magnitude only), with an optional minimum density. */
    GLOBAL,
    /** Outlier-weighted layer-wise sparsity (Yin et al. 2023), per decoder block (Wanda, SparseGPT). */
    OWL;

    /** The command-line name. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code uniform|global|owl}. */
    public static AllocationKind parse(String s) {
        for (AllocationKind k : values()) {
            if (k.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new UserError("--allocation " + s + ": unknown allocation (uniform, global, owl)");
    }
}
