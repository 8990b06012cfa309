package org.prune4j.internal.tokenizer;

import java.util.Arrays;

/**
 * An insert-only open-addressing hash map from {@code long} keys to non-negative {@code int} ids, without
 * boxing. Used for the hot lookups of the llama2.c tokenizer: code point bytes to token id and token pair
 * to merged token id.
 */
final class LongToIdMap {
    /** The value {@link #get} returns for an absent key. */
    static final int ABSENT = -1;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    /** An empty map sized for about {@code expected} entries. */
    LongToIdMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, ABSENT);
        mask = capacity - 1;
    }

    /** The id stored for {@code key}, or {@link #ABSENT}. */
    int get(long key) {
        int i = slot(key);
        while (true) {
            int v = values[i];
            if (v == ABSENT || keys[i] == key) {
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    /** Stores {@code id} (non-negative) for {@code key} unless the key is already present; true if stored. */
    boolean putIfAbsent(long key, int id) {
        if (id < 0) {
            throw new IllegalArgumentException("ids must be non-negative: " + id);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(key);
        while (values[i] != ABSENT) {
            if (keys[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = id;
        size++;
        return true;
    }

    /** Number of entries. */
    int size() {
        return size;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) h & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, ABSENT);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != ABSENT) {
                putIfAbsent(oldKeys[i], oldValues[i]);
            }
        }
    }
}
