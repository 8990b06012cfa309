package org.prune4j.internal.prune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.data.Batch;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.CrossEntropy;
import org.prune4j.internal.train.Network;

/** Loss gradients of the prunable weights over a few batches, as the data-driven saliencies need them. */
final class LossGradients {
    private LossGradients() {}

    /**
     * {@code Σ_b ∂L_b/∂w} over the first {@code batches} batches of epoch 0, in evaluation mode, with the
     * logits divided by {@code temperature}; returned on the heap, gradients cleared afterwards.
     */
    static Map<String, float[]> sum(Network network, Map<String, Parameter> weights, DataLoader data, int batches,
            double temperature) {
        Map<String, Parameter> all = network.module().namedParameters();
        Map<String, float[]> sum = new LinkedHashMap<>();
        NDManager parent = weights.values().iterator().next().value().getManager();
        network.setTraining(false);
        all.values().forEach(p -> p.value().setRequiresGradient(true));
        try {
            for (int b = 0; b < batches; b++) {
                try (NDManager scope = parent.newSubManager()) {
                    Batch batch = data.batch(0, b, scope);
                    Autograd.backward(() -> CrossEntropy.mean(network.forward(batch.images()).div(temperature),
                            batch.labels()));
                    for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                        NDArray g = Autograd.gradient(e.getValue().value(), scope);
                        float[] gv = g == null ? new float[Math.toIntExact(e.getValue().numel())] : g.toFloatArray();
                        sum.merge(e.getKey(), gv, LossGradients::addInto);
                    }
                    all.values().forEach(p -> Autograd.zeroGradient(p.value()));
                }
            }
        } finally {
            all.values().forEach(p -> p.value().setRequiresGradient(false));
        }
        return sum;
    }

    /** Adds {@code x} into {@code acc} and returns {@code acc}. */
    static float[] addInto(float[] acc, float[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
        return acc;
    }
}
