package org.prune4j.api;

/**
 * How the target sparsity is spread over the pruned matrices (recipe section {@code allocation}).
 * Settings that belong to one allocation only are {@code null} for the others; for their own allocation a
 * missing value takes its default.
 *
 * @param name {@code uniform} (every matrix the target; default), {@code global} (one magnitude threshold
 *     over all matrices; magnitude only) or {@code owl} (outlier-weighted per block; wanda, sparsegpt)
 * @param owlM OWL: a metric value is an outlier above {@code owl_m} times its block's mean (default 5;
 *     owl only; recipe key {@code owl_m})
 * @param owlLambda OWL: block sparsities span the target ± λ (default 0.08; owl only; recipe key
 *     {@code owl_lambda})
 * @param minDensity global: every matrix keeps at least this fraction (default 0; global only; recipe key
 *     {@code min_density})
 */
public record AllocationSettings(String name, Double owlM, Double owlLambda, Double minDensity) {
    /** Checks the name, fills in the allocation's defaults, rejects other allocations' settings. */
    public AllocationSettings {
        name = JobSettings.allocationName(name);
        owlM = JobSettings.allocationSetting(name, "owl_m", owlM);
        owlLambda = JobSettings.allocationSetting(name, "owl_lambda", owlLambda);
        minDensity = JobSettings.allocationSetting(name, "min_density", minDensity);
    }

    /** Every matrix gets the target sparsity. */
    public static AllocationSettings uniform() {
        return of("uniform");
    }

    /** The allocation {@code name} with its default settings. */
    public static AllocationSettings of(String name) {
        return new AllocationSettings(name, null, null, null);
    }
}
