package org.prune4j.internal.io.format;

import java.nio.file.Path;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.io.hf.SparseCompression;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Hugging Face model directories whose blocks' Linear weights are stored in a compressed-tensors sparse
 * layout: {@code hf-sparse-bitmask} (any sparsity) or {@code hf-sparse-24} (2:4 models only). Chosen by
 * name only ({@code --format}, {@code convert --to}); the directory is read back by the {@code hf} reader.
 */
final class HfSparseWriter implements ModelWriter {
    private final String name;
    private final SparseCompression compression;

    HfSparseWriter(String name, SparseCompression compression) {
        this.name = name;
        this.compression = compression;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean claims(Path out) {
        return false;
    }

    @Override
    public void checkTarget(Path out, WriteOptions options) {
        options(options); // validates the dtype
    }

    @Override
    public void write(LlamaCheckpoint ckpt, Path out, WriteOptions options) {
        HfFormat.write(ckpt, out, options(options));
    }

    private HfWriteOptions options(WriteOptions options) {
        return new HfWriteOptions(options.dtype(), options.maxShardBytes(), compression);
    }
}
