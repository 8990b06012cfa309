package org.prune4j.internal.prune.kv;

import org.prune4j.internal.model.llama.KvLayerView;
import org.prune4j.internal.model.llama.KvPolicy;

/**
 * {@code sinks}, StreamingLLM (Xiao et al., ICLR 2024): the first {@code sinks} tokens ("attention
 * sinks") and the most recent ones; keys are cached before the rotary embedding and rotated by their slot
 * in the cache, as in the original, so a stream can run past the model's context.
 *
 * @param sinks initial tokens always kept (StreamingLLM's {@code start_size}, 4 by default)
 */
record AttentionSinks(int sinks) implements KvPolicy {
    /** StreamingLLM's default number of sink tokens. */
    public static final int DEFAULT_SINKS = 4;

    @Override
    public boolean rotatesBySlot() {
        return true;
    }

    @Override
    public int[][] keep(KvLayerView layer, int target) {
        int count = layer.count();
        int start = Math.min(sinks, target);
        int recent = target - start;
        int[] keep = new int[target];
        for (int i = 0; i < start; i++) {
            keep[i] = i;
        }
        for (int i = 0; i < recent; i++) {
            keep[start + i] = count - recent + i;
        }
        return Entries.sameForEveryHead(layer.heads(), keep);
    }
}
