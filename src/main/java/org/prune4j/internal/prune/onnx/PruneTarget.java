package org.prune4j.internal.prune.onnx;

/** What to remove: a fraction of the prunable groups' parameters, or MACs down to a fraction of the dense model's. */
public sealed interface PruneTarget {
    /** Remove {@code ratio} of the parameters of the initializers that prunable groups slice. */
    record ParameterRatio(double ratio) implements PruneTarget {}

    /** Keep at most {@code fraction} of the dense model's MACs. */
    record MacsFraction(double fraction) implements PruneTarget {}
}
