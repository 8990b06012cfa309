package org.prune4j.internal.prune.kv;

import org.prune4j.internal.model.llama.KvLayerView;
import org.prune4j.internal.model.llama.KvPolicy;

/**
 * {@code snapkv} (Li et al., 2024): the queries of the last {@code window} positions (the observation
 * window) vote for older entries by their attention (each query's softmax over the entries it can see,
 * summed over the window's queries), the votes are smoothed by a 1-D pooling of width {@code kernel} over
 * the entries (average pooling counts the zero padding, as {@code avg_pool1d} does), and the best-voted
 * older entries are kept with the window's own. As in the original the selection is per head: per
 * key/value head with the votes of the query heads it serves summed (grouped-query-correct, the default),
 * or per query head, the original's behaviour on a multi-head model, which stores one copy of the keys and
 * values per query head.
 *
 * <p>The original compresses once, at the end of the prompt; here the same compression runs whenever the
 * cache is full, so that a budget holds throughout a stream.
 *
 * @param window observation window (SnapKV's default 32)
 * @param kernel pooling width (default 5)
 * @param maxPool max pooling instead of average pooling (default: average)
 * @param perQueryHead selection per query head instead of per key/value head
 */
record SnapKv(int window, int kernel, boolean maxPool, boolean perQueryHead) implements KvPolicy {
    public static final int DEFAULT_WINDOW = 32;
    public static final int DEFAULT_KERNEL = 5;

    @Override
    public int queryWindow() {
        return window;
    }

    @Override
    public int[][] keep(KvLayerView layer, int target) {
        int count = layer.count();
        int recent = Math.min(Math.min(window, layer.recentQueries()), target);
        int older = count - recent;
        int chosen = target - recent;
        int[][] keep = new int[layer.heads()][];
        for (int h = 0; h < layer.heads(); h++) {
            double[] votes = votes(layer, h, older);
            keep[h] = Entries.topThenRest(pool(votes), older, chosen, count);
        }
        return keep;
    }

    /** Summed attention of the remembered queries of the heads head {@code h} serves to entries {@code 0..older-1}. */
    static double[] votes(KvLayerView layer, int h, int older) {
        int count = layer.count();
        int d = layer.headDim();
        double scale = 1 / Math.sqrt(d);
        float[][] keys = new float[count][];
        for (int e = 0; e < count; e++) {
            keys[e] = layer.key(h, e);
        }
        double[] votes = new double[older];
        double[] logits = new double[count];
        int group = layer.queryHeadsPerHead();
        for (int i = 0; i < layer.recentQueries(); i++) {
            int qPos = layer.recentQueryPosition(i);
            for (int g = 0; g < group; g++) {
                float[] q = layer.recentQuery(i, h * group + g);
                double max = Double.NEGATIVE_INFINITY;
                for (int e = 0; e < count; e++) {
                    if (layer.position(h, e) > qPos) {
                        logits[e] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += q[c] * keys[e][c];
                    }
                    logits[e] = s * scale;
                    max = Math.max(max, logits[e]);
                }
                double sum = 0;
                for (int e = 0; e < count; e++) {
                    sum += logits[e] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(logits[e] - max);
                }
                for (int e = 0; e < older; e++) {
                    if (logits[e] != Double.NEGATIVE_INFINITY) {
                        votes[e] += Math.exp(logits[e] - max) / sum;
                    }
                }
            }
        }
        return votes;
    }

    /** Pooling of width {@code kernel}, stride 1, padding {@code kernel/2}. */
    double[] pool(double[] votes) {
        int n = votes.length;
        int pad = kernel / 2;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = maxPool ? Double.NEGATIVE_INFINITY : 0;
            for (int j = i - pad; j <= i - pad + kernel - 1; j++) {
                double v = j < 0 || j >= n ? (maxPool ? Double.NEGATIVE_INFINITY : 0) : votes[j];
                acc = maxPool ? Math.max(acc, v) : acc + v;
            }
            out[i] = maxPool ? acc : acc / kernel;
        }
        return out;
    }
}
