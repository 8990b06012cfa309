package org.prune4j.api;

import org.prune4j.UserError;

/**
 * Which model a run reads, and how it is held (recipe section {@code model}).
 *
 * @param path a bundled model name ({@code stories260K}), a llama2.c checkpoint file or a Hugging Face
 *     directory (recipe key {@code model.path}, required)
 * @param tokenizer a tokenizer file overriding the one found beside the model, or {@code null}
 *     (recipe key {@code model.tokenizer})
 * @param residency {@code auto} (default: in memory when the float32 model takes at most an eighth of
 *     physical memory, else streamed), {@code resident} (the whole model in memory) or {@code streamed}
 *     (one decoder block at a time from the memory-mapped checkpoint) (recipe key {@code model.residency})
 */
public record ModelSettings(String path, String tokenizer, String residency) {
    /** Checks that the model is named and the residency known; a null residency is {@code auto}. */
    public ModelSettings {
        if (path == null || path.isBlank()) {
            throw new UserError("model.path: missing; name a bundled model, a llama2.c file or a Hugging Face directory");
        }
        residency = JobSettings.residencyName(residency == null ? "auto" : residency);
    }

    /** The model {@code path} with the tokenizer found beside it, held as its size allows. */
    public static ModelSettings of(String path) {
        return new ModelSettings(path, null, null);
    }
}
