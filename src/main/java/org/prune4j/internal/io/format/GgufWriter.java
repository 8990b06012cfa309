package org.prune4j.internal.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.gguf.GgmlType;
import org.prune4j.internal.io.gguf.GgufFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * GGUF files for llama.cpp ({@code llama} architecture, or {@code deci} when blocks differ in shape).
 * Without a dtype, matrices keep the model's storage type (F16/BF16, else F32); {@code convert --to gguf
 * --dtype q8_0} reaches Q8_0.
 */
final class GgufWriter implements ModelWriter {
    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public boolean claims(Path out) {
        return GgufFormat.hasExtension(out);
    }

    @Override
    public void checkTarget(Path out, WriteOptions options) {
        if (Files.isDirectory(out)) {
            throw new UserError("--out " + out + ": is a directory; a GGUF model is written to a file");
        }
        type(options.dtype());
    }

    @Override
    public void write(LlamaCheckpoint ckpt, Path out, WriteOptions options) {
        checkTarget(out, options);
        GgmlType t = options.dtype() == null ? GgufFormat.storageTypeOf(ckpt) : type(options.dtype());
        GgufFormat.write(ckpt, out, t);
    }

    private static GgmlType type(DType d) {
        if (d == null) {
            return null;
        }
        return switch (d) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            default -> throw new UserError("--dtype " + d.safetensorsName().toLowerCase(java.util.Locale.ROOT)
                    + ": GGUF output stores f32, f16, bf16 or q8_0");
        };
    }
}
