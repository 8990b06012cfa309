package org.prune4j.api;

import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * Which model a run reads (recipe section {@code model}).
 *
 * @param path a bundled model name ({@code stories260K}), a llama2.c checkpoint file or a Hugging Face
 *     directory (recipe key {@code model.path}, required)
 * @param tokenizer a tokenizer file overriding the one found beside the model, or {@code null}
 *     (recipe key {@code model.tokenizer})
 */
public record ModelSettings(String path, String tokenizer) {
    /** Checks that the model is named. */
    public ModelSettings {
        if (path == null || path.isBlank()) {
            throw new UserError("model.path: missing; name a bundled model, a llama2.c file or a Hugging Face directory");
        }
    }

    /** The model {@code path} with the tokenizer found beside it. */
    public static ModelSettings of(String path) {
        return new ModelSettings(path, null);
    }

    /** The tokenizer as a path, or {@code null}. */
    Path tokenizerPath() {
        return tokenizer == null ? null : Path.of(tokenizer);
    }
}
