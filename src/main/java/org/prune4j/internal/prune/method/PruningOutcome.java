package org.prune4j.internal.prune.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;
import org.prune4j.internal.prune.PruningMask;

/**
 * What a {@link PruningMethod} decided for one weight matrix: entries masked to zero (unstructured,
 * N:M), the same with the kept weights updated (SparseGPT's reconstruction), or whole units removed
 * (structured methods, which make the matrix smaller instead of storing zeros).
 */
public sealed interface PruningOutcome {
    /** Entries to zero; the kept weights stay as they are. */
    record Masked(PruningMask mask) implements PruningOutcome {}

    /**
     * Entries to zero, and new values for the kept weights.
     *
     * @param mask the pruned entries (zero in the new weight)
     * @param newWeight creates the updated {@code [out, in]} weight in the given manager
     */
    record Reconstructed(PruningMask mask, Function<NDManager, NDArray> newWeight) implements PruningOutcome {}

    /**
     * Whole rows ({@code axis 0}, output units) or columns ({@code axis 1}, input units) to remove.
     *
     * @param axis 0 for output rows, 1 for input columns
     * @param removed the removed indices, ascending
     */
    record Removed(int axis, int[] removed) implements PruningOutcome {
        public Removed {
            if (axis != 0 && axis != 1) {
                throw new IllegalArgumentException("axis must be 0 or 1, got " + axis);
            }
            removed = removed.clone();
        }

        @Override
        public int[] removed() {
            return removed.clone();
        }
    }
}
