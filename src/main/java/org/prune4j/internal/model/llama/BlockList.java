package org.prune4j.internal.model.llama;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.prune4j.internal.nn.Module;

/** The decoder blocks, registered as children {@code "0"}, {@code "1"}, … ({@code model.layers}). */
final class BlockList extends Module {
    private final List<DecoderBlock> blocks;

    BlockList(List<DecoderBlock> blocks) {
        this.blocks = new ArrayList<>(blocks);
        for (int i = 0; i < blocks.size(); i++) {
            registerChild(Integer.toString(i), blocks.get(i));
        }
    }

    List<DecoderBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        if (!(replacement instanceof DecoderBlock b)) {
            throw new IllegalArgumentException(LlamaTensorNames.BLOCKS + name + " must be a DecoderBlock");
        }
        blocks.set(Integer.parseInt(name), b);
    }
}
