package org.prune4j.internal.io.format;

import java.nio.file.Path;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.HfWriteOptions;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/** Hugging Face model directories: config.json, safetensors weights (sharded past a limit), tokenizer files. */
final class HfDirectoryWriter implements ModelWriter {
    static final String NAME = "hf";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(Path out) {
        return HfFormat.isModelDirectory(out);
    }

    @Override
    public void checkTarget(Path out, WriteOptions options) {
        new HfWriteOptions(options.dtype(), options.maxShardBytes()); // validates the dtype
    }

    @Override
    public void write(LlamaCheckpoint ckpt, Path out, WriteOptions options) {
        HfFormat.write(ckpt, out, new HfWriteOptions(options.dtype(), options.maxShardBytes()));
    }
}
