package org.prune4j.internal.prune.tokens;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.model.vision.TokenReduction;
import org.prune4j.internal.model.vision.TokenState;
import org.prune4j.internal.nn.AttentionOutput;

/**
 * ToMe, token merging (Bolya et al., "Token Merging: Your ViT But Faster", ICLR 2023): in every encoder
 * layer, after attention, {@link BipartiteSoftMatching} merges {@code r} tokens into their most similar
 * partners by the keys averaged over heads; merged tokens are size-weighted averages, and with proportional
 * attention every attention adds the log of each key's size to its logits.
 *
 * @param schedule tokens merged at each layer (see {@link #schedule(int, int, double)})
 * @param proportionalAttention whether attention is proportional to token size (ToMe's default when a model
 *     trained without ToMe is evaluated with it)
 */
record TokenMerging(int[] schedule, boolean proportionalAttention) implements TokenReduction {
    public TokenMerging {
        schedule = schedule.clone();
    }

    @Override
    public int[] schedule() {
        return schedule.clone();
    }

    /**
     * ToMe's schedule: {@code r} tokens per layer when {@code inflection} is 0; with inflection {@code f} in
     * [-1, 1], a linear ramp from {@code int(r·(1−f))} at the first layer to {@code 2r − int(r·(1−f))} at the
     * last, each entry truncated to an integer (−1: decreasing, +1: increasing), so the total stays about
     * {@code r·layers}.
     */
    public static int[] schedule(int layers, int r, double inflection) {
        int min = (int) (r * (1.0 - inflection));
        int max = 2 * r - min;
        double step = layers == 1 ? 0 : (max - min) / (double) (layers - 1);
        int[] out = new int[layers];
        for (int i = 0; i < layers; i++) {
            out[i] = (int) (min + step * i);
        }
        return out;
    }

    @Override
    public boolean readsProbabilities(int layer) {
        return false;
    }

    @Override
    public TokenState reduce(int layer, int depth, TokenState tokens, AttentionOutput attention) {
        int r = layer < schedule.length ? schedule[layer] : 0;
        if (r <= 0) {
            return tokens;
        }
        int batch = tokens.batch();
        int length = tokens.length();
        NDArray meanKeys = attention.keys().mean(new int[] {1}); // [N, S, Dh]
        int channels = Math.toIntExact(meanKeys.getShape().get(2));
        float[] metric = meanKeys.toFloatArray();
        float[] sizes = tokens.sizes();
        int merge = Math.min(r, BipartiteSoftMatching.maxMerged(length, true));
        if (merge <= 0) {
            return tokens;
        }
        int out = length - merge;
        TokenMixing.Builder mixing = new TokenMixing.Builder(batch, length, out);
        float[] image = new float[length * channels];
        for (int n = 0; n < batch; n++) {
            System.arraycopy(metric, n * length * channels, image, 0, image.length);
            BipartiteSoftMatching.Matching m = BipartiteSoftMatching.match(image, length, channels, merge, true);
            int[] unmerged = m.unmerged();
            int[] sources = m.sources();
            int[] destinations = m.destinations();
            for (int u = 0; u < unmerged.length; u++) {
                int token = 2 * unmerged[u];
                mixing.add(n, u, token, 1f).size(n, u, size(sizes, n, length, token));
            }
            int sizeB = length / 2;
            float[] total = new float[sizeB];
            for (int j = 0; j < sizeB; j++) {
                total[j] = size(sizes, n, length, 2 * j + 1);
            }
            for (int k = 0; k < sources.length; k++) {
                total[destinations[k]] += size(sizes, n, length, 2 * sources[k]);
            }
            int first = unmerged.length;
            for (int j = 0; j < sizeB; j++) {
                int token = 2 * j + 1;
                mixing.add(n, first + j, token, size(sizes, n, length, token) / total[j]).size(n, first + j, total[j]);
            }
            for (int k = 0; k < sources.length; k++) {
                int token = 2 * sources[k];
                int j = destinations[k];
                mixing.add(n, first + j, token, size(sizes, n, length, token) / total[j]);
            }
        }
        return mixing.build().apply(tokens);
    }

    private static float size(float[] sizes, int image, int length, int token) {
        return sizes == null ? 1f : sizes[image * length + token];
    }
}
