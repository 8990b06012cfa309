package org.prune4j.internal.model.llama;

import java.util.List;
import org.prune4j.internal.nn.Embedding;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.RMSNorm;

/**
 * The decoder stack without the classifier, registered as {@code model} (Hugging Face's
 * {@code LlamaModel}): {@code embed_tokens}, {@code layers.<i>}, {@code norm}.
 */
public final class LlamaBackbone extends Module {
    private final Embedding embedTokens;
    private final BlockList layers;
    private final RMSNorm norm;

    LlamaBackbone(Embedding embedTokens, List<DecoderBlock> blocks, RMSNorm norm) {
        this.embedTokens = registerChild("embed_tokens", embedTokens);
        this.layers = registerChild("layers", new BlockList(blocks));
        this.norm = registerChild("norm", norm);
    }

    public Embedding embedTokens() {
        return embedTokens;
    }

    /** The decoder blocks in order (a read-only view). */
    public List<DecoderBlock> layers() {
        return layers.blocks();
    }

    public RMSNorm norm() {
        return norm;
    }
}
