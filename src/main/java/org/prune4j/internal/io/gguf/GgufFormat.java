package org.prune4j.internal.io.gguf;

import java.nio.file.Path;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * GGUF files, the model format of llama.cpp (and of Ollama, LM Studio and java-llama.cpp, which embed it).
 * prune4j writes Llama-family models as the {@code llama} architecture when every block has the same
 * shape and as {@code deci} (per-layer head counts and FFN widths) otherwise, with the tokenizer
 * vocabulary llama.cpp needs; it reads F32, F16, BF16 and Q8_0 tensors of those two architectures.
 */
public final class GgufFormat {
    /** The usual file extension. */
    public static final String EXTENSION = ".gguf";

    private GgufFormat() {}

    /**
     * Writes {@code ckpt} to {@code out}, atomically, storing matrices as {@code matrixType} (vectors stay
     * float32). The checkpoint's tokenizer (llama2.c {@code tokenizer.bin} or a SentencePiece-style
     * {@code tokenizer.json}) becomes the file's vocabulary.
     */
    public static GgufWriteResult write(LlamaCheckpoint ckpt, Path out, GgmlType matrixType) {
        return LlamaGgufWriter.write(ckpt, out, matrixType);
    }

    /**
     * Reads a GGUF file of the {@code llama} or {@code deci} architecture (F32, F16, BF16 or Q8_0 tensors).
     * {@code tokenizer} overrides the vocabulary stored in the file (may be null).
     */
    public static LlamaCheckpoint read(Path path, Path tokenizer) {
        return LlamaGgufReader.read(path, tokenizer);
    }

    /** The storage type to write a pruned copy of {@code input} in: its embedding's type (F16/BF16 kept), else F32. */
    public static GgmlType storageTypeOf(LlamaCheckpoint input) {
        org.prune4j.internal.io.TensorData embed = input.tensors().get(org.prune4j.internal.model.llama.LlamaTensorNames.EMBED);
        if (embed == null) {
            return GgmlType.F32;
        }
        return switch (embed.dtype()) {
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            default -> GgmlType.F32;
        };
    }

    /** True when {@code path} names a GGUF file by its extension. */
    public static boolean hasExtension(Path path) {
        return path.getFileName() != null && path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(EXTENSION);
    }
}
