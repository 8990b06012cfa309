package org.prune4j.internal.io.format;

import java.nio.file.Path;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Hugging Face model directories in the Nemotron-NAS / DeciLM layout ({@code block_configs}), for models
 * whose blocks differ; chosen by name only ({@code --format nemotron-nas}, {@code convert --to
 * nemotron-nas}) and read back by the {@code hf} reader.
 */
final class NemotronNasWriter implements ModelWriter {
    static final String NAME = "nemotron-nas";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(Path out) {
        return false;
    }

    @Override
    public void checkTarget(Path out, WriteOptions options) {
        new HfWriteOptions(options.dtype(), options.maxShardBytes()); // validates the dtype
    }

    @Override
    public void write(LlamaCheckpoint ckpt, Path out, WriteOptions options) {
        HfFormat.writeNemotronNas(ckpt, out, new HfWriteOptions(options.dtype(), options.maxShardBytes()));
    }
}
