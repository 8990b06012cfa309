package org.prune4j.internal.prune.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Network;

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
        Map<String, float[]> grad = LossGradients.sum(network, weights, data, batches, 1.0);
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
}
