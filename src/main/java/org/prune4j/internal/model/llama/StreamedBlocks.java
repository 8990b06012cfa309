package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.ScratchDirectory;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Parameter;

/**
 * Decoder blocks streamed from a (memory-mapped) checkpoint: {@link #open} builds one block's float32
 * weights, {@link #save} writes the block's current weights to a spill file in a scratch folder and
 * maps them back, so a pruned model never has to fit in memory. The scratch folder is a
 * {@link ScratchDirectory}: removed on close, at JVM exit, or by the next run after a kill. {@link #checkpoint()} is the model with
 * every saved block's new weights, still lazily mapped, ready for a writer or for the next pass.
 */
public final class StreamedBlocks implements BlockSource, AutoCloseable {
    /** Name prefix of the hidden scratch folders. */
    public static final String SCRATCH_PREFIX = ".prune4j-blocks-";

    private final ScratchDirectory scratch;
    private final Map<String, TensorData> tensors;
    private final LlamaCheckpoint base;
    private final List<SafetensorsFile> spills = new ArrayList<>();

    /** Streams the blocks of {@code ckpt}, spilling saved blocks under {@code scratchParent}. */
    public StreamedBlocks(LlamaCheckpoint ckpt, Path scratchParent) {
        this.base = ckpt;
        this.tensors = new LinkedHashMap<>(ckpt.tensors());
        this.scratch = ScratchDirectory.create(scratchParent, SCRATCH_PREFIX);
    }

    @Override
    public int size() {
        return base.config().numLayers();
    }

    @Override
    public DecoderBlock open(int i, NDManager manager) {
        return LlamaModel.loadBlock(checkpoint(), i, manager);
    }

    @Override
    public void save(DecoderBlock block) {
        String prefix = LlamaTensorNames.block(block.index());
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : block.namedParameters().entrySet()) {
            out.put(prefix + e.getKey(), TensorData.of(e.getValue().value()));
        }
        Path file = scratch.path().resolve("block-" + block.index() + "-" + spills.size() + ".safetensors");
        SafetensorsWriter.write(file, out, Map.of());
        SafetensorsFile spilled = SafetensorsFile.openUnmappingOnClose(file);
        spills.add(spilled);
        for (String name : out.keySet()) {
            tensors.put(name, spilled.get(name));
        }
    }

    /** The model as it is now: the input's tensors with every saved block's weights. */
    public LlamaCheckpoint checkpoint() {
        return base.withTensors(tensors);
    }

    /**
     * Unmaps and closes the spill files and deletes the scratch folder. Tensors of {@link #checkpoint()}
     * that came from spill files must not be used afterwards.
     */
    @Override
    public void close() {
        spills.forEach(SafetensorsFile::close);
        spills.clear();
        scratch.close();
    }
}
