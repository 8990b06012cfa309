package org.prune4j.internal.model.llama;

/**
 * Which cached keys and values survive when a {@link KvCache} with a budget is full (KV-cache eviction:
 * sliding window, attention sinks, heavy hitters, SnapKV). Implementations live in {@code
 * org.prune4j.internal.prune.kv}.
 *
 * <p>A budget of B entries per layer means that every decoding step attends to at most B entries, its own
 * included: before a step adds its entry to a full layer, the policy chooses the B − 1 entries to keep.
 * Entries stay in ascending order of position.
 */
public interface KvPolicy {
    /**
     * Whether keys are cached before the rotary embedding and rotated by their slot in the cache when
     * attended to, the current token taking the next slot (StreamingLLM): positions then stay below the
     * budget however long the stream runs.
     */
    default boolean rotatesBySlot() {
        return false;
    }

    /** Whether the policy reads the attention each entry received ({@link KvLayerView#accumulatedAttention}). */
    default boolean readsAttention() {
        return false;
    }

    /** How many recent rotated queries the cache must remember for {@link KvLayerView#recentQuery} (0: none). */
    default int queryWindow() {
        return 0;
    }

    /** Whether each query head keeps its own entries (the cache then stores one copy per query head). */
    default boolean perQueryHead() {
        return false;
    }

    /**
     * The entries to keep in one layer: for each stored head, {@code target} ascending indices into the
     * current entries.
     */
    int[][] keep(KvLayerView layer, int target);
}
