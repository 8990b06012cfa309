package org.prune4j.internal.io.format;

import java.nio.file.Path;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Writes a Llama-family checkpoint in one on-disk format, atomically (the output appears only when
 * complete). Writers are found by name or by output path in {@link ModelWriters}; a new format (GGUF,
 * ONNX) is one class implementing this interface and one registration line there.
 */
public interface ModelWriter {
    /** The format's name on the command line ({@code --format}, {@code convert --to}): {@code hf}, {@code llama2c}. */
    String name();

    /** True when {@code out}'s name says it is this format's (e.g. a {@code .bin} file for llama2.c). */
    boolean claims(Path out);

    /** Checks that {@code out} can hold this format before any work is done; a {@link org.prune4j.UserError} if not. */
    void checkTarget(Path out, WriteOptions options);

    /** Writes {@code ckpt} to {@code out}. */
    void write(LlamaCheckpoint ckpt, Path out, WriteOptions options);
}
