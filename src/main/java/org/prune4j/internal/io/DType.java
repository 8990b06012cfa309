package org.prune4j.internal.io;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** Element types a checkpoint can hold, with their safetensors names and widths in bytes. */
public enum DType {
    F64("F64", 8, DataType.FLOAT64),
    F32("F32", 4, DataType.FLOAT32),
    F16("F16", 2, DataType.FLOAT16),
    BF16("BF16", 2, DataType.BFLOAT16),
    I64("I64", 8, DataType.INT64),
    I32("I32", 4, DataType.INT32),
    I16("I16", 2, DataType.INT16),
    I8("I8", 1, DataType.INT8),
    U8("U8", 1, DataType.UINT8),
    BOOL("BOOL", 1, DataType.BOOLEAN);

    private final String safetensorsName;
    private final int byteSize;
    private final DataType djl;

    DType(String safetensorsName, int byteSize, DataType djl) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.djl = djl;
    }

    /** The name used in a safetensors header, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The matching DJL data type. */
    public DataType toDjl() {
        return djl;
    }

    /** True for the floating-point types. */
    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** Parses a safetensors dtype name; {@code null} when unknown. */
    public static DType fromSafetensorsName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (DType t : values()) {
            if (t.safetensorsName.equals(upper)) {
                return t;
            }
        }
        return null;
    }

    /** The prune4j type of a DJL data type. */
    public static DType fromDjl(DataType type) {
        for (DType t : values()) {
            if (t.djl == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("no checkpoint dtype for " + type);
    }
}
