package org.prune4j.internal.io.hf;

import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/**
 * Hugging Face model directories of Llama-family causal LMs ({@link HfArchitecture}): {@code config.json}
 * plus {@code model.safetensors}, or shards listed in {@code model.safetensors.index.json}, plus
 * tokenizer files.
 *
 * <p>Hugging Face's tensor names and q/k row layout are prune4j's canonical ones
 * ({@link org.prune4j.internal.model.llama.LlamaTensorNames}), so tensors pass through unchanged: reading maps
 * them lazily in their stored dtype (F32, F16 or BF16); writing stores them as they are or in the dtype
 * asked for.
 */
public final class HfFormat {
    /** The configuration file of a model directory. */
    public static final String CONFIG_FILE = "config.json";
    /** The Hugging Face tokenizer file. */
    public static final String TOKENIZER_JSON = "tokenizer.json";
    /**
     * A llama2.c tokenizer carried in a model directory converted from llama2.c (not a Hugging Face file;
     * used only when there is no {@code tokenizer.json}).
     */
    public static final String LLAMA2C_TOKENIZER = "tokenizer.bin";

    private HfFormat() {}

    /**
     * Reads the model in {@code dir}, validating every tensor against {@code config.json}: each expected
     * tensor present with the shape the config implies (per block when the config lists
     * {@value HfConfig#LAYER_SHAPES_KEY}), no unknown tensors (rotary {@code inv_freq} buffers are
     * ignored, as is an {@code lm_head.weight} equal to the embedding of a tied model). Weights stored in a
     * compressed-tensors sparse layout ({@link SparseCompression}, declared by the config's
     * {@code quantization_config}) are decompressed to dense matrices. Every problem is a one-line
     * {@link org.prune4j.UserError} naming the file and the tensor.
     *
     * @param tokenizerOverride tokenizer to record instead of the {@code tokenizer.json} found in
     *     {@code dir} (may be null)
     */
    public static LlamaCheckpoint read(Path dir, Path tokenizerOverride) {
        return HfReader.read(dir, tokenizerOverride);
    }

    /** Writes {@code ckpt} to {@code dir} with {@link HfWriteOptions#defaults()}. */
    public static void write(LlamaCheckpoint ckpt, Path dir) {
        write(ckpt, dir, HfWriteOptions.defaults());
    }

    /**
     * Writes {@code ckpt} as a model directory, atomically (a complete directory replaces {@code dir} in
     * one step): {@code config.json} for its architecture, the weights with {@code {"format":"pt"}}
     * metadata (sharded past {@link HfWriteOptions#maxShardBytes()}), and the tokenizer files of the
     * source directory or the checkpoint's tokenizer. Block widths are measured from the tensors, so a
     * structurally pruned model is written as it is; blocks of different widths are listed under
     * {@value HfConfig#LAYER_SHAPES_KEY}. {@code dir} must not be, or contain, the checkpoint's source,
     * and an existing {@code dir} is replaced only when it is itself a model directory.
     */
    public static void write(LlamaCheckpoint ckpt, Path dir, HfWriteOptions options) {
        HfWriter.write(ckpt, dir, options);
    }

    /**
     * The storage of a model directory whose blocks' Linear weights are stored in a compressed-tensors
     * sparse layout (see {@link SparseCompression}), or {@code null} when {@code dir} is not such a directory.
     * Reads only the safetensors headers and the small shape tensors.
     */
    public static CompressedStorage compressedStorage(Path dir) {
        return Files.isDirectory(dir) ? HfReader.storage(dir) : null;
    }

    /**
     * Writes {@code ckpt} like {@link #write(LlamaCheckpoint, Path, HfWriteOptions)} but in the Nemotron-NAS /
     * DeciLM layout ({@code DeciLMForCausalLM}, {@code block_configs}, no tensors for removed sublayers), which
     * vLLM ({@code nemotron_nas}) and the Nemotron-51B remote code read. A one-line
     * {@link org.prune4j.UserError} names the first block the layout cannot express (query heads other than the
     * model's, MLP widths that are not multiples of 256) and what would fix it. {@link #read} reads it back.
     */
    public static void writeNemotronNas(LlamaCheckpoint ckpt, Path dir, HfWriteOptions options) {
        HfWriter.write(ckpt, dir, options, true);
    }

    /** True when {@code dir} is a directory holding a {@code config.json}. */
    public static boolean isModelDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(CONFIG_FILE));
    }
}
