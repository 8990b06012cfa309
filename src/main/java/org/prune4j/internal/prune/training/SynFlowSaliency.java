package org.prune4j.internal.prune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.Network;

/**
 * SynFlow (Tanaka et al. 2020, "Pruning neural networks without any data by iteratively conserving
 * synaptic flow"), one scoring round: every parameter is replaced by its absolute value (the network is
 * "linearised": with non-negative weights and an all-ones input every ReLU passes everything), the
 * output summed over all units is {@code R = 1ᵀ(Π|W|)1}, and the score of a weight is
 * {@code |∂R/∂w ⊙ w|}, the synaptic flow through it. Data-free; the signs are restored afterwards (exactly:
 * {@code |w| · sign(w) = w}). Iterate it with {@link PruningAtInitialization#iterative} (100 rounds,
 * exponential schedule, as in the paper) to avoid layer collapse.
 */
public final class SynFlowSaliency implements Saliency {
    private final long[] inputShape;

    /** @param exampleShape one input without the batch axis, e.g. {@code [1, 28, 28]} */
    public SynFlowSaliency(long[] exampleShape) {
        this.inputShape = new long[exampleShape.length + 1];
        inputShape[0] = 1;
        System.arraycopy(exampleShape, 0, inputShape, 1, exampleShape.length);
    }

    @Override
    public Map<String, float[]> scores(Network network, Map<String, Parameter> weights) {
        Map<String, Parameter> all = network.module().namedParameters();
        NDManager parent = weights.values().iterator().next().value().getManager();
        Map<String, float[]> out = new LinkedHashMap<>();
        network.setTraining(false);
        try (NDManager signs = parent.newSubManager()) {
            Map<String, NDArray> sign = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : all.entrySet()) {
                NDArray s = e.getValue().value().sign();
                s.attach(signs);
                sign.put(e.getKey(), s);
                e.getValue().value().muli(s);
            }
            try {
                all.values().forEach(p -> p.value().setRequiresGradient(true));
                try (NDManager scope = parent.newSubManager()) {
                    NDArray ones = scope.ones(new Shape(inputShape));
                    Autograd.backward(() -> network.forward(ones).sum());
                    for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                        NDArray g = Autograd.gradient(e.getValue().value(), scope);
                        float[] gv = g.toFloatArray();
                        float[] w = e.getValue().value().toFloatArray();
                        for (int i = 0; i < gv.length; i++) {
                            gv[i] = Math.abs(gv[i] * w[i]);
                        }
                        out.put(e.getKey(), gv);
                    }
                    all.values().forEach(p -> Autograd.zeroGradient(p.value()));
                }
            } finally {
                all.values().forEach(p -> p.value().setRequiresGradient(false));
                all.forEach((name, p) -> p.value().muli(sign.get(name)));
            }
        }
        return out;
    }

    @Override
    public String name() {
        return "synflow";
    }
}
