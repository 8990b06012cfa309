package org.prune4j.internal.prune.training;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.train.Buffers;
import org.prune4j.internal.train.Prunable;

/**
 * The control experiments of the lottery-ticket hypothesis: a winning ticket's mask with a fresh random
 * initialisation ("random reinitialisation"), and a random mask with the ticket's per-layer sparsity and
 * the ticket's initialisation ("random pruning").
 */
public final class LotteryControls {
    private LotteryControls() {}

    /**
     * Masks with exactly as many pruned entries per tensor as {@code masks}, at positions drawn uniformly
     * at random (seeded; each tensor draws from the seed and its position in the map).
     */
    public static Map<String, PruningMask> randomMasks(Map<String, PruningMask> masks, long seed) {
        Map<String, PruningMask> out = new LinkedHashMap<>();
        int t = 0;
        for (Map.Entry<String, PruningMask> e : masks.entrySet()) {
            PruningMask m = e.getValue();
            long pruned = m.prunedCount();
            Random rng = new Random(seed * 1_000_003L + t++);
            float[] scores = new float[m.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = rng.nextFloat();
            }
            out.put(e.getKey(), MaskSelection.select(scores, null, pruned, new long[] {m.rows(), m.cols()}));
        }
        return out;
    }

    /**
     * Gives {@code ticket} the parameter values and buffers of {@code freshlyInitialised} (the same
     * architecture initialised from another seed) under its own masks: same structure, new initialisation.
     */
    public static void reinitialize(Module ticket, Module freshlyInitialised) {
        Map<String, Parameter> fresh = freshlyInitialised.namedParameters();
        for (Map.Entry<String, Parameter> e : ticket.namedParameters().entrySet()) {
            Parameter src = fresh.get(e.getKey());
            if (src == null || !src.value().getShape().equals(e.getValue().value().getShape())) {
                throw new IllegalArgumentException("fresh network has no parameter " + e.getKey() + " of shape "
                        + e.getValue().value().getShape());
            }
            e.getValue().setValue(src.value().duplicate());
        }
        Map<String, NDArray> freshBuffers = freshlyInitialised.namedBuffers();
        for (Map.Entry<String, NDArray> e : ticket.namedBuffers().entrySet()) {
            NDArray src = freshBuffers.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("fresh network has no buffer " + e.getKey());
            }
            Buffers.copyInto(e.getValue(), TensorData.of(src), e.getKey());
        }
    }

    /** Sets {@code masks} on the prunable weights of {@code module} (same names). */
    public static void applyMasks(Module module, Map<String, PruningMask> masks) {
        Map<String, Parameter> weights = Prunable.weights(module);
        masks.forEach((name, m) -> {
            Parameter p = weights.get(name);
            if (p == null) {
                throw new IllegalArgumentException("no prunable weight " + name);
            }
            m.applyTo(p);
        });
    }

    /** The keep-masks of the prunable weights of {@code module} (all ones where none is set). */
    public static Map<String, PruningMask> masksOf(Module module) {
        Map<String, PruningMask> out = new LinkedHashMap<>();
        Prunable.weights(module).forEach((name, p) -> out.put(name, PrunableTensors.currentMask(p)));
        return out;
    }
}
