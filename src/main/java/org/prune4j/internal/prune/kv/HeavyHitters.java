package org.prune4j.internal.prune.kv;

import org.prune4j.internal.model.llama.KvLayerView;
import org.prune4j.internal.model.llama.KvPolicy;

/**
 * {@code h2o}, Heavy-Hitter Oracle (Zhang et al., NeurIPS 2023): the most recent entries plus the older
 * ones that received the most attention so far (accumulated over steps and, with grouped-query attention,
 * over the query heads of a key/value head), chosen per key/value head.
 *
 * @param recentShare share of the kept entries that are the most recent ones (H2O's {@code recent_size}
 *     against {@code hh_size}; 0.5 splits the budget evenly, as the paper's experiments do)
 */
record HeavyHitters(double recentShare) implements KvPolicy {
    @Override
    public boolean readsAttention() {
        return true;
    }

    @Override
    public int[][] keep(KvLayerView layer, int target) {
        int count = layer.count();
        int recent = (int) Math.round(target * recentShare);
        int heavy = target - recent;
        int[][] keep = new int[layer.heads()][];
        double[] score = new double[count];
        for (int h = 0; h < layer.heads(); h++) {
            for (int e = 0; e < count; e++) {
                score[e] = layer.accumulatedAttention(h, e);
            }
            keep[h] = Entries.topThenRest(score, count - recent, heavy, count);
        }
        return keep;
    }
}
