package org.prune4j.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.io.gguf.GgufFormat;
import org.prune4j.io.hf.HfFormat;
import org.prune4j.io.llama2c.Llama2cFormat;
import org.prune4j.model.llama.LlamaCheckpoint;

/**
 * Turns a {@code --model} argument into a loaded checkpoint: a bundled model name
 * ({@code stories260K}), a llama2.c file, or a Hugging Face directory (which must hold a
 * {@code config.json}; see {@link HfFormat#read}).
 */
public final class ModelLocator {
    private ModelLocator() {}

    /**
     * Loads the Llama-family checkpoint named by {@code model}. {@code tokenizer} overrides the
     * tokenizer found beside the model (may be null).
     */
    public static LlamaCheckpoint loadLlama(String model, Path tokenizer) {
        Path path = BundledModels.isBundled(model) ? BundledModels.checkpoint(model) : Path.of(model);
        if (Files.isDirectory(path)) {
            return HfFormat.read(path, tokenizer);
        }
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file or directory (and not a bundled model: "
                    + String.join(", ", BundledModels.names()) + ")");
        }
        if (GgufFormat.hasExtension(path)) {
            return GgufFormat.read(path, tokenizer);
        }
        return Llama2cFormat.read(path, tokenizer != null ? tokenizer : findLlama2cTokenizer(path));
    }

    /** {@code tokenizer.bin}, else {@code tok512.bin}, else any {@code tok*.bin} beside a llama2.c file. */
    static Path findLlama2cTokenizer(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().getParent();
        for (String name : new String[] {"tokenizer.bin", "tok512.bin"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("tok.*\\.bin") && !p.equals(checkpoint))
                    .sorted().findFirst().orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
