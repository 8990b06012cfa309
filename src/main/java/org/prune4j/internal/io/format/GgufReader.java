package org.prune4j.internal.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.internal.io.gguf.GgufFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/** GGUF files (llama.cpp), recognised by their {@code GGUF} magic or a {@code .gguf} name (then a bad magic is reported as such). */
final class GgufReader implements ModelReader {
    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public boolean recognises(Path path) {
        return Files.isRegularFile(path) && (FileSignature.of(path) == FileSignature.GGUF || GgufFormat.hasExtension(path));
    }

    @Override
    public LlamaCheckpoint read(Path path, Path tokenizer) {
        return GgufFormat.read(path, tokenizer);
    }
}
