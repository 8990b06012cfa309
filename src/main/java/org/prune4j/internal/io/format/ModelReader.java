package org.prune4j.internal.io.format;

import java.nio.file.Path;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Reads a Llama-family checkpoint from one on-disk format into the canonical names and layout of
 * {@link org.prune4j.internal.model.llama.LlamaTensorNames}. Readers are tried in turn by {@link ModelReaders}; a
 * new format is one class implementing this interface and one registration line there.
 */
public interface ModelReader {
    /** The format's name ({@code hf}, {@code llama2c}). */
    String name();

    /** True when {@code path}'s content is this format (magic bytes, header, directory layout). */
    boolean recognises(Path path);

    /**
     * Reads {@code path}; {@code tokenizer} overrides the tokenizer found beside the model (may be null).
     */
    LlamaCheckpoint read(Path path, Path tokenizer);
}
