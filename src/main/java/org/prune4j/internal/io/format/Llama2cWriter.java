package org.prune4j.internal.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/** llama2.c version-0 files: float32 only, one file, no tokenizer inside. */
final class Llama2cWriter implements ModelWriter {
    static final String NAME = "llama2c";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(Path out) {
        return out.getFileName() != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".bin");
    }

    @Override
    public void checkTarget(Path out, WriteOptions options) {
        if (options.dtype() != null && options.dtype() != DType.F32) {
            throw new UserError("--dtype " + options.dtype().safetensorsName().toLowerCase(Locale.ROOT)
                    + ": llama2.c checkpoints store float32 only");
        }
        if (Files.isDirectory(out)) {
            throw new UserError("--out " + out + ": is a directory; a llama2.c model is written to a file");
        }
    }

    @Override
    public void write(LlamaCheckpoint ckpt, Path out, WriteOptions options) {
        checkTarget(out, options);
        Llama2cFormat.write(ckpt, out);
    }
}
