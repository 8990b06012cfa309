package org.prune4j.internal.prune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.data.Batch;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.CrossEntropy;
import org.prune4j.internal.train.Network;

/**
 * GraSP (Wang et al. 2020, "Picking winning tickets before training by preserving gradient flow"): with
 * {@code g = ∂L/∂w} and the Hessian-gradient product {@code Hg = ∂(gᵀ·stopgrad(g))/∂w}, the paper's
 * score {@code −w ⊙ Hg} ranks the weights whose removal reduces gradient flow least; the highest scores
 * are pruned. This saliency returns the importance {@code w ⊙ Hg} (higher = keep), so pruning the lowest
 * importance prunes the highest GraSP score. As in the authors' implementation, logits are divided by a
 * temperature (200) and {@code g} is summed over the batches before {@code Hg} is.
 *
 * <p>{@code Hg} is exact, by double back-propagation. The backward pass that builds a differentiable
 * gradient ties each parameter to its gradient graph (a reference cycle in the engine), so after each
 * batch every parameter value is replaced by a fresh copy; the old arrays and those graphs stay allocated
 * until the process ends — a one-off cost of pruning, not of training.
 */
public final class GraspSaliency implements Saliency {
    /** The temperature of the authors' implementation. */
    public static final double DEFAULT_TEMPERATURE = 200;

    private final DataLoader data;
    private final int batches;
    private final double temperature;

    public GraspSaliency(DataLoader data, int batches, double temperature) {
        if (batches < 1 || batches > data.batchesPerEpoch()) {
            throw new IllegalArgumentException("GraSP needs 1.." + data.batchesPerEpoch() + " batches, got " + batches);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.data = data;
        this.batches = batches;
        this.temperature = temperature;
    }

    @Override
    public Map<String, float[]> scores(Network network, Map<String, Parameter> weights) {
        Map<String, float[]> hg = hessianGradientProduct(network, weights);
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.forEach((name, p) -> {
            float[] h = hg.get(name);
            float[] w = p.value().toFloatArray();
            for (int i = 0; i < h.length; i++) {
                h[i] = w[i] * h[i];
            }
            out.put(name, h);
        });
        return out;
    }

    /** {@code H·g} for the prunable weights, with {@code g} the loss gradient summed over the batches. */
    public Map<String, float[]> hessianGradientProduct(Network network, Map<String, Parameter> weights) {
        Map<String, float[]> g = LossGradients.sum(network, weights, data, batches, temperature);
        Map<String, Parameter> all = network.module().namedParameters();
        NDManager parent = weights.values().iterator().next().value().getManager();
        Map<String, float[]> hg = new LinkedHashMap<>();
        network.setTraining(false);
        try {
            for (int b = 0; b < batches; b++) {
                all.values().forEach(p -> p.value().setRequiresGradient(true));
                try (NDManager scope = parent.newSubManager()) {
                    Batch batch = data.batch(0, b, scope);
                    Map<String, NDArray> firstOrder = new LinkedHashMap<>();
                    try (GradientCollector gc = Autograd.recording()) {
                        NDArray loss = CrossEntropy.mean(network.forward(batch.images()).div(temperature), batch.labels());
                        Autograd.backwardCreatingGraph(loss);
                        NDArray z = null;
                        for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                            NDArray gradF = e.getValue().value().getGradient();
                            gradF.attach(scope);
                            NDArray value = gradF.stopGradient().duplicate();
                            value.attach(scope);
                            firstOrder.put(e.getKey(), value);
                            NDArray gConst = scope.create(g.get(e.getKey()), gradF.getShape());
                            NDArray term = gradF.mul(gConst).sum();
                            z = z == null ? term : z.add(term);
                        }
                        Autograd.backwardOnce(z);
                    }
                    for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                        NDArray total = Autograd.gradient(e.getValue().value(), scope);
                        float[] h = total.sub(firstOrder.get(e.getKey())).toFloatArray();
                        hg.merge(e.getKey(), h, LossGradients::addInto);
                    }
                } finally {
                    // Fresh leaves after every batch: the old ones hold differentiable gradients whose graph
                    // the next batch's backward pass would run through a second time (see the class comment).
                    all.values().forEach(p -> {
                        NDArray detached = p.value().stopGradient();
                        p.setValue(detached.duplicate());
                        detached.close();
                    });
                }
            }
        } finally {
            all.values().forEach(p -> p.value().setRequiresGradient(false));
        }
        return hg;
    }

    @Override
    public String name() {
        return "grasp";
    }
}
