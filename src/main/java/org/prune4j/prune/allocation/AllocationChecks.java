package org.prune4j.prune.allocation;

/** Argument checks shared by the allocations of this package. */
final class AllocationChecks {
    /** The largest per-tensor sparsity an allocation reports ({@link SparsityAllocation} asks for [0, 1)). */
    static final double MAX_SPARSITY = Math.nextDown(1.0);

    private AllocationChecks() {}

    static void checkTarget(double target) {
        if (!(target >= 0 && target < 1)) {
            throw new IllegalArgumentException("target sparsity must be in [0, 1), got " + target);
        }
    }
}
