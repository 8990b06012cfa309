package org.prune4j.prune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.nn.Parameter;
import org.prune4j.train.Autograd;
import org.prune4j.train.CrossEntropy;
import org.prune4j.train.Network;

/**
 * SNIP (Lee et al. 2019, "Single-shot network pruning based on connection sensitivity"): the score of a
 * weight is the magnitude of the loss's sensitivity to its connection, {@code |∂L/∂w ⊙ w|}, with the
 * gradient summed over the first {@code batches} batches of {@code data} (epoch 0).
 */
public final class SnipSaliency implements Saliency {
    private final DataLoader data;
    private final int batches;

    public SnipSaliency(DataLoader data, int batches) {
        if (batches < 1 || batches > data.batchesPerEpoch()) {
            throw new IllegalArgumentException("SNIP needs 1.." + data.batchesPerEpoch() + " batches, got " + batches);
        }
        this.data = data;
        this.batches = batches;
    }

    @Override
    public Map<String, float[]> scores(Network network, Map<String, Parameter> weights) {
        Map<String, float[]> grad = Gradients.lossGradient(network, weights, data, batches, 1.0);
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.forEach((name, p) -> {
            float[] g = grad.get(name);
            float[] w = p.value().toFloatArray();
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.abs(g[i] * w[i]);
            }
            out.put(name, g);
        });
        return out;
    }

    @Override
    public String name() {
        return "snip";
    }

    /** Gradient helpers shared by the data-driven saliencies. */
    static final class Gradients {
        private Gradients() {}

        /**
         * {@code Σ_b ∂L_b/∂w} over the first {@code batches} batches, with the logits divided by
         * {@code temperature}; returned on the heap, gradients cleared afterwards.
         */
        static Map<String, float[]> lossGradient(Network network, Map<String, Parameter> weights, DataLoader data,
                int batches, double temperature) {
            Map<String, Parameter> all = network.module().namedParameters();
            Map<String, float[]> sum = new LinkedHashMap<>();
            NDManager parent = weights.values().iterator().next().value().getManager();
            network.setTraining(false);
            all.values().forEach(p -> p.value().setRequiresGradient(true));
            try {
                for (int b = 0; b < batches; b++) {
                    try (NDManager scope = parent.newSubManager()) {
                        Batch batch = data.batch(0, b, scope);
                        Autograd.backward(() -> CrossEntropy.mean(
                                network.forward(batch.images()).div(temperature), batch.labels()));
                        for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                            NDArray g = Autograd.gradient(e.getValue().value(), scope);
                            float[] gv = g == null ? new float[Math.toIntExact(e.getValue().numel())] : g.toFloatArray();
                            sum.merge(e.getKey(), gv, Gradients::addInto);
                        }
                        all.values().forEach(p -> Autograd.zeroGradient(p.value()));
                    }
                }
            } finally {
                all.values().forEach(p -> p.value().setRequiresGradient(false));
            }
            return sum;
        }

        static float[] addInto(float[] acc, float[] x) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += x[i];
            }
            return acc;
        }
    }
}
