package org.prune4j.internal.prune.recovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.nn.Parameter;

/**
 * Exact zeros among the prunable weights of a Llama model: the matrices of the decoder blocks (not the
 * embedding, norms or biases).
 */
record Sparsity(long zeros, long total) {
    static boolean isPrunable(String name, Parameter p) {
        return name.startsWith("model.layers.") && name.endsWith(".weight") && p.value().getShape().dimension() == 2;
    }

    static Sparsity of(LlamaModel model) {
        long zeros = 0;
        long total = 0;
        for (var e : model.namedParameters().entrySet()) {
            if (!isPrunable(e.getKey(), e.getValue())) {
                continue;
            }
            NDArray w = e.getValue().value();
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray z = w.eq(0).toType(DataType.INT64, false).sum();
                z.attach(scope);
                zeros += z.getLong();
            }
            total += w.size();
        }
        return new Sparsity(zeros, total);
    }

    double fraction() {
        return total == 0 ? 0 : zeros / (double) total;
    }
}
