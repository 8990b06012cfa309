package org.prune4j.internal.io.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key/value metadata of a GGUF file, in file order. Values are Java objects by type: UINT8..UINT32,
 * INT8..INT32 as {@link Integer} (UINT32 values above 2^31 as {@link Long}), UINT64/INT64 as {@link Long},
 * FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as {@link Boolean}, STRING as {@link String}
 * (or {@code byte[]} when not valid UTF-8), ARRAY as a {@link GgufArray}.
 */
final class GgufMetadata {
    /** One metadata entry. */
    record Entry(String key, GgufValueType type, Object value) {}

    /** An array value: its element type and elements ({@code int[]}, {@code long[]}, {@code float[]}, {@code Object[]} of strings). */
    record GgufArray(GgufValueType elementType, Object elements, int length) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    GgufMetadata put(String key, GgufValueType type, Object value) {
        entries.put(key, new Entry(key, type, value));
        return this;
    }

    GgufMetadata putU32(String key, long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(key + " = " + value + " does not fit a uint32");
        }
        return put(key, GgufValueType.UINT32, value);
    }

    GgufMetadata putF32(String key, double value) {
        return put(key, GgufValueType.FLOAT32, (float) value);
    }

    GgufMetadata putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    GgufMetadata putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    GgufMetadata putI32Array(String key, int[] values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, values.clone(), values.length));
    }

    GgufMetadata putF32Array(String key, float[] values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.FLOAT32, values.clone(), values.length));
    }

    /** A string array; elements are {@link String} or raw {@code byte[]}. */
    GgufMetadata putStringArray(String key, Object[] values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.STRING, values.clone(), values.length));
    }

    List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    Entry get(String key) {
        return entries.get(key);
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    int size() {
        return entries.size();
    }
}
