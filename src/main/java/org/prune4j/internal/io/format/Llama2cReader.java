package org.prune4j.internal.io.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * llama2.c version-0 files. They have no magic number: a regular file that no other reader recognises
 * (see {@link FileSignature}) is read as llama2.c, whose header is then checked for plausibility.
 */
final class Llama2cReader implements ModelReader {
    @Override
    public String name() {
        return "llama2c";
    }

    @Override
    public boolean recognises(Path path) {
        return Files.isRegularFile(path) && FileSignature.of(path) == FileSignature.UNKNOWN;
    }

    @Override
    public LlamaCheckpoint read(Path path, Path tokenizer) {
        return Llama2cFormat.read(path, tokenizer != null ? tokenizer : findTokenizer(path));
    }

    /** {@code tokenizer.bin}, else {@code tok512.bin}, else any {@code tok*.bin} beside a llama2.c file. */
    static Path findTokenizer(Path checkpoint) {
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
        } catch (IOException e) {
            return null;
        }
    }
}
