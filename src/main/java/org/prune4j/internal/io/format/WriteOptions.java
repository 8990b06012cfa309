package org.prune4j.internal.io.format;

import org.prune4j.internal.io.DType;

/**
 * How a {@link ModelWriter} stores a model.
 *
 * @param dtype storage dtype of the weights, or {@code null} to keep each tensor's own
 * @param maxShardBytes largest weights file before a format that supports it splits into shards
 */
public record WriteOptions(DType dtype, long maxShardBytes) {
    /** {@code transformers}' default shard limit, 5 GB. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    public WriteOptions {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("shard size must be positive, got " + maxShardBytes);
        }
    }

    /** Keep dtypes, 5 GB shards. */
    public static WriteOptions defaults() {
        return new WriteOptions(null, DEFAULT_MAX_SHARD_BYTES);
    }

    /** These options with another storage dtype. */
    public WriteOptions withDtype(DType d) {
        return new WriteOptions(d, maxShardBytes);
    }
}
