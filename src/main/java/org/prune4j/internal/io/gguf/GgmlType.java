package org.prune4j.internal.io.gguf;

import java.util.Locale;
import org.prune4j.UserError;

/**
 * The tensor storage types of GGUF files that prune4j reads and writes (ggml's {@code ggml_type} ids).
 * Block-quantized types store {@link #blockSize()} values in {@link #blockBytes()} bytes.
 */
public enum GgmlType {
    /** float32. */
    F32(0, 1, 4),
    /** IEEE float16. */
    F16(1, 1, 2),
    /** Blocks of 32 int8 values sharing one float16 scale (34 bytes a block). */
    Q8_0(8, 32, 34),
    /** bfloat16. */
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The {@code ggml_type} id stored in a tensor record. */
    public int id() {
        return id;
    }

    /** Values per block (1 for the plain float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes taken by {@code numel} values; {@code numel} must be a whole number of blocks. */
    public long bytesFor(long numel) {
        if (numel % blockSize != 0) {
            throw new IllegalArgumentException(numel + " values are not whole blocks of " + blockSize + " for " + this);
        }
        return Math.multiplyExact(numel / blockSize, (long) blockBytes);
    }

    /** The type with ggml id {@code id}, or {@code null} when prune4j does not handle it. */
    static GgmlType ofId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** Parses a {@code --dtype} value for GGUF output: f32, f16 or q8_0 (bf16 too). */
    public static GgmlType parse(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "f32", "float32", "fp32" -> F32;
            case "f16", "float16", "fp16" -> F16;
            case "bf16", "bfloat16" -> BF16;
            case "q8_0", "q8" -> Q8_0;
            default -> throw new UserError(option + ": '" + value + "' is not a GGUF storage type (expected f32, f16, bf16 or q8_0)");
        };
    }

    /** The {@code general.file_type} value of a file whose matrices are stored in this type. */
    int fileType() {
        return switch (this) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            case BF16 -> 32;
        };
    }
}
