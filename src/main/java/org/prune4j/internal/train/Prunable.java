package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Which parameters pruning-during-training methods prune: the weight matrices and kernels (parameters
 * whose name ends in {@code weight} with at least two dimensions: Linear, Conv, attention's
 * {@code in_proj_weight}), not biases, normalisation scales, class tokens or position embeddings.
 */
public final class Prunable {
    private Prunable() {}

    /** The prunable parameters of {@code module} by dotted path, in module order. */
    public static Map<String, Parameter> weights(Module module) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> {
            String last = name.substring(name.lastIndexOf('.') + 1);
            boolean isWeight = last.equals("weight") || last.endsWith("_weight");
            if (isWeight && p.value().getShape().dimension() >= 2) {
                out.put(name, p);
            }
        });
        return out;
    }

    /** Fraction of the prunable weights of {@code module} that are non-zero (1 for a dense network). */
    public static double density(Module module) {
        long total = 0;
        long nonZero = 0;
        for (Parameter p : weights(module).values()) {
            total += p.numel();
            try (NDManager scope = p.value().getManager().newSubManager()) {
                NDArray nz = p.value().neq(0);
                nz.attach(scope);
                NDArray count = nz.toType(DataType.INT64, false).sum();
                count.attach(scope);
                nonZero += count.getLong();
            }
        }
        return total == 0 ? 1 : nonZero / (double) total;
    }
}
