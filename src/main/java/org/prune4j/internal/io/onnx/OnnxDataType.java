package org.prune4j.internal.io.onnx;

import org.prune4j.UserError;

/** The ONNX tensor element types prune4j knows, with their {@code TensorProto.data_type} codes. */
public enum OnnxDataType {
    FLOAT(1, 4), UINT8(2, 1), INT8(3, 1), UINT16(4, 2), INT16(5, 2), INT32(6, 4), INT64(7, 8), STRING(8, 0),
    BOOL(9, 1), FLOAT16(10, 2), DOUBLE(11, 8), UINT32(12, 4), UINT64(13, 8), BFLOAT16(16, 2);

    private final int code;
    private final int bytes;

    OnnxDataType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The {@code data_type} code of the ONNX specification. */
    public int code() {
        return code;
    }

    /** Bytes per element (0 for strings, which have no fixed size). */
    public int bytes() {
        return bytes;
    }

    /** Whether the type is a floating-point type prune4j can score (float, double, float16, bfloat16). */
    public boolean isFloating() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** The type with the given code; {@code what} names the tensor in the error for an unknown code. */
    public static OnnxDataType of(int code, String what) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new UserError(what + ": unsupported ONNX data type " + code);
    }
}
