package org.prune4j.internal.pipeline.load;

import java.nio.file.Path;

/**
 * Which model a job reads and how it holds it.
 *
 * @param model {@code --model}: a bundled name ({@code stories260K}), a llama2.c file or an HF directory
 * @param tokenizer {@code --tokenizer} override, or {@code null} for the one beside the model
 * @param residency whole model in memory, or blocks streamed ({@link Residency#AUTO}: by size)
 */
public record ModelSpec(String model, Path tokenizer, Residency residency) {
    public ModelSpec {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model is required");
        }
        if (residency == null) {
            residency = Residency.AUTO;
        }
    }

    /** {@code model} with its own tokenizer, held as its size allows. */
    public static ModelSpec of(String model) {
        return new ModelSpec(model, null, Residency.AUTO);
    }
}
