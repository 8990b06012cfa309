package org.prune4j.internal.prune.onnx;

/**
 * A stretch of a tensor axis: {@code length} positions that belong to a {@link Space} (its units laid
 * out contiguously, {@code length / units} positions each), or, with a {@code null} space, positions that
 * are never pruned (e.g. a graph input concatenated with a prunable tensor).
 */
record Segment(Space space, long length) {
    boolean fixed() {
        return space == null;
    }

    /** Positions per unit of the space. */
    long perUnit() {
        return length / space.units();
    }
}
