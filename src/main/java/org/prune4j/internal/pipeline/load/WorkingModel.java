package org.prune4j.internal.pipeline.load;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.BlockSource;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.model.llama.StreamedBlocks;
import org.prune4j.internal.nn.Parameter;

/**
 * The model a job works on: a frame (embedding, final norm, classifier) plus a {@link BlockSource} of
 * decoder blocks that pruning changes in place, either resident (the whole model loaded once) or
 * streamed from the checkpoint with changed blocks spilled to a scratch folder.
 */
public final class WorkingModel implements AutoCloseable {
    private final LlamaCheckpoint source;
    private final NDManager weights;
    private final LlamaModel frame;
    private final BlockSource blocks;
    private final StreamedBlocks streamed;
    private final Residency residency;

    private WorkingModel(LlamaCheckpoint source, NDManager weights, LlamaModel frame, BlockSource blocks,
            StreamedBlocks streamed, Residency residency) {
        this.source = source;
        this.weights = weights;
        this.frame = frame;
        this.blocks = blocks;
        this.streamed = streamed;
        this.residency = residency;
    }

    /**
     * Builds the working model of {@code model}: resident or streamed as its spec and size say; streamed
     * blocks spill under {@code scratchParent}.
     */
    public static WorkingModel open(SourceModel model, Path scratchParent) {
        LlamaCheckpoint ckpt = model.checkpoint();
        Residency r = model.spec().residency().resolve(ckpt.config(), model.float32Bytes());
        NDManager weights = NDManager.newBaseManager();
        try {
            if (r == Residency.RESIDENT) {
                LlamaModel full = LlamaModel.load(ckpt, weights);
                return new WorkingModel(ckpt, weights, full, BlockSource.resident(full), null, r);
            }
            LlamaModel shell = LlamaModel.loadShell(ckpt, weights);
            StreamedBlocks s = new StreamedBlocks(ckpt, scratchParent);
            return new WorkingModel(ckpt, weights, shell, s, s, r);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** The embedding, final norm and classifier (and, when resident, the blocks). */
    public LlamaModel frame() {
        return frame;
    }

    /** The decoder blocks. */
    public BlockSource blocks() {
        return blocks;
    }

    /** How the model is held. */
    public Residency residency() {
        return residency;
    }

    /**
     * The model as it is now, as a checkpoint under the canonical names: the input's tensors, with the
     * current weights of every decoder block (float32). Valid until {@link #close}.
     */
    public LlamaCheckpoint checkpoint() {
        if (streamed != null) {
            return streamed.checkpoint();
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>(source.tensors());
        for (DecoderBlock b : frame.blocks()) {
            String prefix = LlamaTensorNames.block(b.index());
            for (Map.Entry<String, Parameter> e : b.namedParameters().entrySet()) {
                tensors.put(prefix + e.getKey(), TensorData.of(e.getValue().value()));
            }
        }
        return source.withTensors(tensors);
    }

    /** Frees the weights and removes the scratch folder. */
    @Override
    public void close() {
        try {
            if (streamed != null) {
                streamed.close();
            }
        } finally {
            weights.close();
        }
    }
}
