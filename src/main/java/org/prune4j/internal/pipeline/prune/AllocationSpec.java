package org.prune4j.internal.pipeline.prune;

import org.prune4j.UserError;

/**
 * How the target sparsity is spread over the pruned matrices.
 *
 * @param kind uniform, global or owl
 * @param owlM OWL's outlier threshold: a metric value is an outlier when above {@code owlM} × the block mean
 * @param owlLambda OWL's λ: block sparsities span at most ±λ around the target
 * @param minDensity global allocation: no matrix keeps less than this fraction of its weights
 */
public record AllocationSpec(AllocationKind kind, double owlM, double owlLambda, double minDensity) {
    /** Every matrix at the target, with OWL's and global's defaults for when they are chosen. */
    public static final AllocationSpec UNIFORM = new AllocationSpec(AllocationKind.UNIFORM, 5, 0.08, 0);

    public AllocationSpec {
        if (!(owlM > 0) || !(owlLambda >= 0) || owlLambda >= 0.5) {
            throw new UserError("--owl-m must be > 0 and --owl-lambda in [0, 0.5) (got " + owlM + ", " + owlLambda + ")");
        }
        if (!(minDensity >= 0) || minDensity >= 1) {
            throw new UserError("--min-density must be in [0, 1) (got " + minDensity + ")");
        }
    }

    /** These settings with another kind. */
    public AllocationSpec withKind(AllocationKind k) {
        return new AllocationSpec(k, owlM, owlLambda, minDensity);
    }
}
