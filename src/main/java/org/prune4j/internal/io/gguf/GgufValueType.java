package org.prune4j.internal.io.gguf;

/** The metadata value types of GGUF (version 3), with their ids. */
enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4), BOOL(7, 1),
    STRING(8, -1), ARRAY(9, -1), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    final int id;
    /** Bytes of one value; -1 for the variable-length types. */
    final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    /** The type with id {@code id}, or {@code null}. */
    static GgufValueType ofId(long id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
