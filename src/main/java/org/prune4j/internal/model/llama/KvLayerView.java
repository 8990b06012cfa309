package org.prune4j.internal.model.llama;

/** What a {@link KvPolicy} sees of one layer of a full cache. */
public interface KvLayerView {
    /** Stored heads: the layer's key/value heads, or its query heads for a per-query-head policy. */
    int heads();

    /** Query heads served by each stored head. */
    int queryHeadsPerHead();

    /** Entries per head. */
    int count();

    /** Width of one head. */
    int headDim();

    /** Position in the sequence of entry {@code entry} of head {@code head}. */
    int position(int head, int entry);

    /** Attention the entry received so far, summed over steps and over the query heads the head serves. */
    float accumulatedAttention(int head, int entry);

    /** The entry's key as cached (rotated at its position unless the policy rotates by slot). */
    float[] key(int head, int entry);

    /** Remembered recent queries, oldest first (at most {@link KvPolicy#queryWindow()}). */
    int recentQueries();

    /** Query {@code i} (0 = oldest remembered) of query head {@code queryHead}, rotated at its position. */
    float[] recentQuery(int i, int queryHead);

    /** Position of remembered query {@code i}. */
    int recentQueryPosition(int i);
}
