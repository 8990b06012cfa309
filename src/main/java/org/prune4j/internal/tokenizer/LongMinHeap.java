package org.prune4j.internal.tokenizer;

import java.util.Arrays;

/** A binary min-heap of primitive {@code long}s (no boxing), growing as needed. */
final class LongMinHeap {
    private long[] heap;
    private int size;

    /** An empty heap with room for {@code capacity} entries before it grows. */
    LongMinHeap(int capacity) {
        heap = new long[Math.max(4, capacity)];
    }

    /** Adds all {@code count} first entries of {@code values} in O(count) (bottom-up heap construction). */
    void addAll(long[] values, int count) {
        ensureCapacity(size + count);
        System.arraycopy(values, 0, heap, size, count);
        size += count;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** Adds {@code value}. */
    void push(long value) {
        ensureCapacity(size + 1);
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
    }

    /** Removes and returns the smallest entry; the heap must not be empty. */
    long pop() {
        if (size == 0) {
            throw new IllegalStateException("pop on an empty heap");
        }
        long top = heap[0];
        heap[0] = heap[--size];
        if (size > 0) {
            siftDown(0);
        }
        return top;
    }

    /** Removes all entries. */
    void clear() {
        size = 0;
    }

    /** True when the heap holds no entry. */
    boolean isEmpty() {
        return size == 0;
    }

    private void siftDown(int i) {
        long value = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= value) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
    }

    private void ensureCapacity(int needed) {
        if (needed > heap.length) {
            heap = Arrays.copyOf(heap, Math.max(needed, heap.length * 2));
        }
    }
}
