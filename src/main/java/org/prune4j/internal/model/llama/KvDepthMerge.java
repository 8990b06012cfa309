package org.prune4j.internal.model.llama;

/**
 * Cross-layer KV-cache merging (MiniCache-style): from some block on, the cache of each block is merged with
 * the previous block's, position by position and head by head, so that a pair stores one shared direction
 * and two magnitudes instead of two vectors. Implementations live in {@code org.prune4j.internal.prune.kv}.
 */
public interface KvDepthMerge {
    /** Whether block {@code layer} of {@code layers} is the second of a merged pair (merged with {@code layer − 1}). */
    boolean mergesWithPrevious(int layer, int layers);

    /**
     * Merges one position of one head of a pair in place: {@code first} (block {@code layer − 1}) and
     * {@code second} (block {@code layer}) become what the cache returns from then on.
     *
     * @param layer the second block of the pair
     * @param keys whether the vectors are keys (else values)
     * @return whether the position was retained unmerged (both vectors kept as they are)
     */
    boolean merge(int layer, boolean keys, float[] first, float[] second);
}
