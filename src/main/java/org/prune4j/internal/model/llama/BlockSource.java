package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDManager;

/**
 * Where block-by-block code gets a model's decoder blocks: either resident in a loaded
 * {@link LlamaModel}, or streamed from the checkpoint one block at a time ({@link StreamedBlocks}), so
 * that only one block's weights are in memory.
 */
public interface BlockSource {
    /** Number of decoder blocks. */
    int size();

    /** Block {@code i}, ready to run; a streamed block's weights are created in {@code manager}. */
    DecoderBlock open(int i, NDManager manager);

    /**
     * Keeps {@code block}'s current weights (after pruning changed them): a streamed source writes them
     * out, so the next {@link #open} of that block sees them. Weights that are not saved are dropped
     * when the caller closes the block's manager.
     */
    void save(DecoderBlock block);

    /** The blocks of a loaded model. */
    static BlockSource resident(LlamaModel model) {
        return new BlockSource() {
            @Override
            public int size() {
                return model.blocks().size();
            }

            @Override
            public DecoderBlock open(int i, NDManager manager) {
                return model.blocks().get(i);
            }

            @Override
            public void save(DecoderBlock block) {
                // resident: the model already holds the changed weights
            }
        };
    }

    /**
     * The blocks of {@code ckpt}, each built when opened (the checkpoint stays memory-mapped): for
     * passes that only read, such as evaluation. {@link #save} is refused; pruning uses
     * {@link StreamedBlocks}.
     */
    static BlockSource readOnly(LlamaCheckpoint ckpt) {
        return new BlockSource() {
            @Override
            public int size() {
                return ckpt.config().numLayers();
            }

            @Override
            public DecoderBlock open(int i, NDManager manager) {
                return LlamaModel.loadBlock(ckpt, i, manager);
            }

            @Override
            public void save(DecoderBlock block) {
                throw new IllegalStateException("read-only block source: cannot keep changes to block " + block.index());
            }
        };
    }
}
