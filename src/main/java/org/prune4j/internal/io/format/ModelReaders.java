package org.prune4j.internal.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * The input formats, recognised by content. A new format is a {@link ModelReader} and one line in
 * {@link #READERS} (more specific readers first: llama2.c, which has no magic number, comes last).
 */
public final class ModelReaders {
    private static final List<ModelReader> READERS = List.of(new HfDirectoryReader(), new GgufReader(), new Llama2cReader());

    private ModelReaders() {}

    /**
     * Reads the Llama-family model at {@code path} with the reader that recognises it; {@code tokenizer}
     * overrides the one found beside it (may be null).
     *
     * @throws UserError when the path is missing or holds a format that is not a Llama checkpoint
     */
    public static LlamaCheckpoint read(Path path, Path tokenizer) {
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file or directory");
        }
        for (ModelReader r : READERS) {
            if (r.recognises(path)) {
                return r.read(path, tokenizer);
            }
        }
        FileSignature sig = Files.isRegularFile(path) ? FileSignature.of(path) : FileSignature.UNKNOWN;
        throw new UserError(path + ": is " + (sig == FileSignature.UNKNOWN ? "not a model file or directory"
                : sig.description()));
    }
}
