package org.prune4j.internal.prune.kv;

import org.prune4j.internal.model.llama.KvLayerView;
import org.prune4j.internal.model.llama.KvPolicy;

/** {@code window}: keeps the most recent entries; keys keep their absolute positions. */
record SlidingWindow() implements KvPolicy {
    @Override
    public int[][] keep(KvLayerView layer, int target) {
        return Entries.sameForEveryHead(layer.heads(), Entries.lastN(layer.count(), target));
    }
}
