package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.prune4j.UserError;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.train.TrainingObjective;

/**
 * A sparsity-inducing penalty added to the cross-entropy while training the dense model before structural
 * pruning, so that whole channels shrink and the importance scores separate: group lasso over the coupled
 * slices of the dependency graph ({@link GroupNormRegularizer}, "Group-SL") or the L1 norm of the batch-norm
 * scales ({@link BatchNormL1}, network slimming).
 */
public sealed interface SparsityRegularizer permits GroupNormRegularizer, BatchNormL1 {
    /** The penalty's weight λ. */
    double lambda();

    /** The unscaled regulariser R of the model as it is now, in double precision on the host (for reports). */
    double norm();

    /** {@code λ · R} as a differentiable scalar in {@code scope}. */
    NDArray penalty(NDManager scope);

    /** The training objective {@code cross-entropy + λ · R}. */
    default TrainingObjective objective() {
        return (network, batch) -> {
            NDArray ce = TrainingObjective.CROSS_ENTROPY.loss(network, batch);
            return ce.add(penalty(batch.images().getManager()));
        };
    }

    /**
     * The regulariser named {@code name} ({@code group-norm} or {@code bn-l1}) with weight {@code lambda} over
     * {@code model}, whose dependency graph is {@code graph}.
     */
    static SparsityRegularizer of(String name, double lambda, Module model, DependencyGraph graph) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new UserError("--reg-lambda " + lambda + ": must be > 0");
        }
        return switch (name) {
            case "group-norm" -> GroupNormRegularizer.of(graph, lambda);
            case "bn-l1" -> BatchNormL1.of(model, lambda);
            default -> throw new UserError("--reg " + name + ": expected group-norm or bn-l1");
        };
    }
}
