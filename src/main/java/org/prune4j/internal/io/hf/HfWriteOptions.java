package org.prune4j.internal.io.hf;

import org.prune4j.internal.io.DType;

/**
 * How {@link HfFormat#write} stores a model.
 *
 * @param dtype storage dtype of every tensor (F32, F16 or BF16), or {@code null} to keep each tensor's own
 * @param maxShardBytes largest safetensors file before the weights are split into shards with an index
 * @param compression the compressed-tensors sparse layout of the blocks' Linear weights, or {@code null}
 *     to store them dense
 */
public record HfWriteOptions(DType dtype, long maxShardBytes, SparseCompression compression) {
    /** {@code transformers}' default shard limit, 5 GB. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    public HfWriteOptions {
        if (dtype != null && dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("storage dtype must be F32, F16 or BF16, not " + dtype);
        }
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("shard size must be positive, got " + maxShardBytes);
        }
    }

    /** Dense weights in {@code dtype}, shards of {@code maxShardBytes}. */
    public HfWriteOptions(DType dtype, long maxShardBytes) {
        this(dtype, maxShardBytes, null);
    }

    /** Keep dtypes, 5 GB shards, dense. */
    public static HfWriteOptions defaults() {
        return new HfWriteOptions(null, DEFAULT_MAX_SHARD_BYTES);
    }

    /** These options with another storage dtype. */
    public HfWriteOptions withDtype(DType d) {
        return new HfWriteOptions(d, maxShardBytes, compression);
    }

    /** These options with another shard limit. */
    public HfWriteOptions withMaxShardBytes(long bytes) {
        return new HfWriteOptions(dtype, bytes, compression);
    }

    /** These options with the blocks' Linear weights stored in layout {@code c} ({@code null}: dense). */
    public HfWriteOptions withCompression(SparseCompression c) {
        return new HfWriteOptions(dtype, maxShardBytes, c);
    }
}
