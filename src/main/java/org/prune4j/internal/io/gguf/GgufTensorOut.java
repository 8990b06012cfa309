package org.prune4j.internal.io.gguf;

import java.util.function.Supplier;

/**
 * A tensor about to be written to a GGUF file: its GGUF name, storage type, dimensions in ggml order
 * (innermost first: a PyTorch {@code [rows, cols]} matrix is {@code [cols, rows]}) and a supplier of its
 * encoded bytes, called once while writing so that only one tensor is held in memory at a time.
 */
record GgufTensorOut(String name, GgmlType type, long[] dims, Supplier<byte[]> data) {
    GgufTensorOut {
        dims = dims.clone();
    }

    long numel() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    long byteSize() {
        return type.bytesFor(numel());
    }
}
