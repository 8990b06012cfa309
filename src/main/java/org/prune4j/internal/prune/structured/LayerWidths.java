package org.prune4j.internal.prune.structured;

import org.prune4j.internal.model.llama.DecoderBlock;

/**
 * The widths of one dense layer that width selection works with.
 *
 * @param heads query heads
 * @param kvHeads key/value heads
 * @param headDim width of a head
 * @param neurons MLP neurons
 */
record LayerWidths(int heads, int kvHeads, int headDim, int neurons) {

    static LayerWidths of(DecoderBlock block) {
        return new LayerWidths(block.selfAttn().numHeads(), block.selfAttn().numKvHeads(), block.selfAttn().headDim(),
                block.mlp().intermediateSize());
    }

    /** Query heads per key/value head. */
    int groupSize() {
        return heads / kvHeads;
    }
}
