package org.prune4j.internal.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.NonFiniteWeights;
import org.prune4j.internal.io.format.ModelReaders;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Turns a {@code --model} argument into a loaded checkpoint: a bundled model name
 * ({@code stories260K}) or a path, read by the {@link ModelReaders reader} that recognises its content
 * (a Hugging Face directory, a llama2.c file).
 */
public final class ModelLocator {
    private ModelLocator() {}

    /**
     * Loads the Llama-family checkpoint named by {@code model}. {@code tokenizer} overrides the
     * tokenizer found beside the model (may be null).
     */
    public static LlamaCheckpoint loadLlama(String model, Path tokenizer) {
        LlamaCheckpoint ckpt = read(model, tokenizer);
        NonFiniteWeights.warn(ckpt.tensors(), model, System.err);
        return ckpt;
    }

    private static LlamaCheckpoint read(String model, Path tokenizer) {
        Path path = BundledModels.isBundled(model) ? BundledModels.checkpoint(model) : Path.of(model);
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file or directory (and not a bundled model: "
                    + String.join(", ", BundledModels.names()) + ")");
        }
        return ModelReaders.read(path, tokenizer);
    }
}
