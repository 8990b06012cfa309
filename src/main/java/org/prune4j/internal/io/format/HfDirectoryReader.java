package org.prune4j.internal.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/** Hugging Face model directories (any directory: a missing config.json is reported by the reader). */
final class HfDirectoryReader implements ModelReader {
    @Override
    public String name() {
        return "hf";
    }

    @Override
    public boolean recognises(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public LlamaCheckpoint read(Path path, Path tokenizer) {
        return HfFormat.read(path, tokenizer);
    }
}
