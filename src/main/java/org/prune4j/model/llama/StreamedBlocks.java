package org.prune4j.model.llama;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.io.SafetensorsFile;
import org.prune4j.io.SafetensorsWriter;
import org.prune4j.io.TensorData;
import org.prune4j.nn.Parameter;

/**
 * Decoder blocks streamed from a (memory-mapped) checkpoint: {@link #open} builds one block's float32
 * weights, {@link #save} writes the block's current weights to a spill file in a scratch folder and
 * maps them back, so a pruned model never has to fit in memory. {@link #checkpoint()} is the model with
 * every saved block's new weights, still lazily mapped, ready for a writer or for the next pass.
 */
public final class StreamedBlocks implements BlockSource, AutoCloseable {
    private final Path scratch;
    private final Map<String, TensorData> tensors;
    private final LlamaCheckpoint base;
    private final List<SafetensorsFile> spills = new ArrayList<>();

    /** Streams the blocks of {@code ckpt}, spilling saved blocks under {@code scratchParent}. */
    public StreamedBlocks(LlamaCheckpoint ckpt, Path scratchParent) {
        this.base = ckpt;
        this.tensors = new LinkedHashMap<>(ckpt.tensors());
        try {
            Files.createDirectories(scratchParent);
            this.scratch = Files.createTempDirectory(scratchParent, ".prune4j-blocks-");
        } catch (IOException e) {
            throw new UserError(scratchParent + ": cannot create a scratch folder: " + e.getMessage());
        }
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
        String prefix = "model.layers." + block.index() + ".";
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : block.namedParameters().entrySet()) {
            out.put(prefix + e.getKey(), TensorData.of(e.getValue().value()));
        }
        Path file = scratch.resolve("block-" + block.index() + "-" + spills.size() + ".safetensors");
        SafetensorsWriter.write(file, out, Map.of());
        SafetensorsFile spilled = SafetensorsFile.open(file);
        spills.add(spilled);
        for (String name : out.keySet()) {
            tensors.put(name, spilled.get(name));
        }
    }

    /** The model as it is now: the input's tensors with every saved block's weights. */
    public LlamaCheckpoint checkpoint() {
        return base.withTensors(tensors);
    }

    /** Closes the spill files and deletes the scratch folder. */
    @Override
    public void close() {
        spills.forEach(SafetensorsFile::close);
        try (var files = Files.list(scratch)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        } catch (IOException ignored) {
            // best effort: a scratch folder left behind is harmless
        }
    }
}
