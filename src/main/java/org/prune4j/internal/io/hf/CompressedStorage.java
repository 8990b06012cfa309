package org.prune4j.internal.io.hf;

import java.util.List;

/**
 * What the tensors of a model directory stored in a {@link SparseCompression} layout take on disk, against
 * what they would take dense (same dtype).
 *
 * @param format the layout of the compressed weights
 * @param tensors every tensor of the model, compressed or not, in file order
 */
public record CompressedStorage(SparseCompression format, List<Tensor> tensors) {
    /**
     * One tensor.
     *
     * @param name the (dense) tensor name
     * @param denseBytes bytes of the dense tensor
     * @param storedBytes bytes of what is stored (all parts of a compressed weight)
     * @param compressed stored in the sparse layout
     */
    public record Tensor(String name, long denseBytes, long storedBytes, boolean compressed) {}

    public CompressedStorage {
        tensors = List.copyOf(tensors);
    }

    /** Dense bytes of all tensors. */
    public long denseBytes() {
        return tensors.stream().mapToLong(Tensor::denseBytes).sum();
    }

    /** Stored bytes of all tensors. */
    public long storedBytes() {
        return tensors.stream().mapToLong(Tensor::storedBytes).sum();
    }
}
