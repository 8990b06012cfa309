package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.prune4j.UserError;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.GraphScalar;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Network slimming's penalty (Liu et al. 2017): {@code λ · Σ |γ|} over the scale of every {@link BatchNorm2d}
 * of the model; its (sub)gradient is {@code λ · sign(γ)}.
 *
 * @param gammas the batch norms' scale parameters
 * @param lambda the weight λ &gt; 0
 */
public record BatchNormL1(List<Parameter> gammas, double lambda) implements SparsityRegularizer {
    public BatchNormL1 {
        gammas = List.copyOf(gammas);
    }

    /** The penalty over every batch norm of {@code model}; a model without one is a {@link UserError}. */
    static BatchNormL1 of(Module model, double lambda) {
        List<Parameter> gammas = model.namedModules().values().stream().filter(m -> m instanceof BatchNorm2d)
                .map(m -> ((BatchNorm2d) m).weight()).toList();
        if (gammas.isEmpty()) {
            throw new UserError("--reg bn-l1: the model has no BatchNorm2d layer; use --reg group-norm");
        }
        return new BatchNormL1(gammas, lambda);
    }

    @Override
    public double norm() {
        double sum = 0;
        for (Parameter p : gammas) {
            for (float v : p.value().toFloatArray()) {
                sum += Math.abs(v);
            }
        }
        return sum;
    }

    @Override
    public NDArray penalty(NDManager scope) {
        NDArray total = null;
        for (Parameter p : gammas) {
            NDArray g = p.value();
            NDArray s = scope.zeros(g.getShape(), g.getDataType()).add(g).abs().sum();
            total = total == null ? s : total.add(s);
        }
        return total.mul(GraphScalar.of(total, lambda));
    }
}
