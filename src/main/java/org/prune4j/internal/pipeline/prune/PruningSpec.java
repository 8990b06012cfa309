package org.prune4j.internal.pipeline.prune;

import org.prune4j.UserError;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.method.MagnitudeMethod;
import org.prune4j.internal.prune.method.PruningMethod;

/**
 * What a job prunes to and how.
 *
 * @param method the configured method (see {@link org.prune4j.internal.prune.method.PruningMethods})
 * @param pattern unstructured sparsity or N:M
 * @param allocation how the sparsity is spread over matrices
 */
public record PruningSpec(PruningMethod method, SparsityPattern pattern, AllocationSpec allocation) {
    public PruningSpec {
        AllocationKind kind = allocation.kind();
        if (kind == AllocationKind.GLOBAL && !(method instanceof MagnitudeMethod)) {
            throw new UserError("--allocation global ranks weights by magnitude across matrices; it works with "
                    + "--method magnitude only (use owl for " + method.name() + ")");
        }
        if (kind == AllocationKind.OWL && !method.needsCalibration()) {
            throw new UserError("--allocation owl needs activation statistics; use it with wanda or sparsegpt");
        }
        if (kind != AllocationKind.UNIFORM && !(pattern instanceof SparsityPattern.Unstructured)) {
            throw new UserError("--allocation " + kind.cliName() + " varies the sparsity per matrix, which an "
                    + pattern + " pattern fixes; use --allocation uniform with N:M");
        }
    }

    /** {@code method} at {@code pattern}, uniform over matrices. */
    public static PruningSpec uniform(PruningMethod method, SparsityPattern pattern) {
        return new PruningSpec(method, pattern, AllocationSpec.UNIFORM);
    }
}
