package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * SpAtten-style cascade token pruning during prefill (Wang et al., HPCA 2021): the prompt runs through the
 * decoder blocks as one pass; after each block every token's cumulative importance grows by the attention
 * it received (summed over heads and queries, accumulated over blocks), and only the {@code keep} share of
 * the most important tokens goes on to the next block. Pruning cascades: a token dropped once stays dropped,
 * in the residual stream and in the KV cache of every later block. The last prompt token, whose logits
 * predict the continuation, is never dropped. The result is a KV cache (each block holding the tokens it
 * saw) from which the continuation is decoded.
 */
public final class TokenPruningPrefill {
    private TokenPruningPrefill() {}

    /**
     * A pruned prefill.
     *
     * @param lastLogits logits {@code [V]} after the last prompt token, in the caller's scope
     * @param cache the KV cache to decode the continuation from (positions continue at the prompt length)
     * @param tokensPerBlock tokens that entered each block
     */
    public record Result(NDArray lastLogits, KvCache cache, int[] tokensPerBlock) {
        public Result {
            tokensPerBlock = tokensPerBlock.clone();
        }

        @Override
        public int[] tokensPerBlock() {
            return tokensPerBlock.clone();
        }
    }

    /** A policy for a cache that is never full. */
    private record NoEviction() implements KvPolicy {
        @Override
        public int[][] keep(KvLayerView layer, int target) {
            throw new IllegalStateException("the cache of a pruned prefill is sized to never be full");
        }
    }

    /**
     * Prefills {@code prompt} with cascade token pruning.
     *
     * @param keep share of the tokens kept after each block (index = block; 1 = no pruning); the share
     *     applies to the tokens that entered the block, at least one token is kept
     * @param positions positions the returned cache must hold (prompt and continuation)
     */
    public static Result run(LlamaModel model, NDManager scope, int[] prompt, double[] keep, int positions) {
        int blocks = model.blocks().size();
        if (keep.length != blocks) {
            throw new IllegalArgumentException(keep.length + " keep shares for " + blocks + " blocks");
        }
        int p = prompt.length;
        KvCache cache = KvCache.create(model, positions, new NoEviction(), positions);
        int[] kept = new int[p];
        Arrays.setAll(kept, i -> i);
        double[] importance = new double[p];
        int[] tokensPerBlock = new int[blocks];
        NDArray hidden = model.embed(scope, scope.create(prompt, new Shape(1, p)));
        for (int l = 0; l < blocks; l++) {
            int[] current = kept;
            tokensPerBlock[l] = current.length;
            AttentionContext ctx = AttentionContext.atPositions(model, scope, current, (layer, probabilities, keys, values) -> {
                cache.load(layer, keys, values, current, p);
                float[] received = probabilities.sum(new int[] {0, 1, 2}).toFloatArray();
                for (int j = 0; j < current.length; j++) {
                    importance[current[j]] += received[j];
                }
            });
            hidden = model.blocks().get(l).forward(hidden, ctx);
            int n = current.length;
            int target = Math.max(1, (int) Math.ceil(keep[l] * n));
            if (l + 1 < blocks && target < n) {
                kept = mostImportant(current, importance, target);
                int[] rows = new int[kept.length];
                for (int i = 0, j = 0; i < n && j < kept.length; i++) {
                    if (current[i] == kept[j]) {
                        rows[j++] = i;
                    }
                }
                NDArray index = scope.create(rows);
                Shape s = hidden.getShape();
                hidden = hidden.reshape(s.get(1), s.get(2)).get(index).reshape(1, rows.length, s.get(2));
            }
        }
        NDArray logits = model.head(hidden);
        long vocab = logits.getShape().get(2);
        long last = logits.getShape().get(1) - 1;
        NDArray lastLogits = logits.reshape(logits.getShape().get(1), vocab).get(last);
        return new Result(lastLogits, cache, tokensPerBlock);
    }

    /** The {@code target} most important of {@code current} (ties: the earlier position), the last always, ascending. */
    static int[] mostImportant(int[] current, double[] importance, int target) {
        int last = current[current.length - 1];
        Integer[] order = new Integer[current.length - 1];
        Arrays.setAll(order, i -> current[i]);
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(importance[b], importance[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[target];
        for (int i = 0; i < target - 1; i++) {
            out[i] = order[i];
        }
        out[target - 1] = last;
        Arrays.sort(out);
        return out;
    }
}
