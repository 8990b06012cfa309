package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.report.ProgressBar;

/** Writes a {@link LlamaCheckpoint} as a Hugging Face model directory; see {@link HfFormat#write}. */
final class HfWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tokenizer and generation files carried over from a source model directory. */
    private static final List<String> CARRIED_FILES = List.of(HfFormat.TOKENIZER_JSON, "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "generation_config.json", HfFormat.LLAMA2C_TOKENIZER);

    /**
     * What goes into the directory: the config, the tensors (with the zero biases a bias flag implies
     * added), their names in writing order, files to copy, keys added to config.json.
     */
    private record Layout(HfConfig config, Map<String, TensorData> tensors, List<String> names, Map<String, Path> copies,
            Map<String, Object> configExtras, java.util.Set<String> configRemoved) {}

    private HfWriter() {}

    static void write(LlamaCheckpoint ckpt, Path dir, HfWriteOptions options) {
        write(ckpt, dir, options, false);
    }

    /** Writes {@code ckpt}; {@code nemotronNas}: in the {@link NemotronNasLayout} rather than prune4j's per-layer config. */
    static void write(LlamaCheckpoint ckpt, Path dir, HfWriteOptions options, boolean nemotronNas) {
        checkTarget(ckpt, dir);
        DTypeConversion conversion = new DTypeConversion(options.dtype());
        Layout layout;
        String configJson;
        try {
            Layout plain = layout(ckpt);
            Layout dense = nemotronNas ? nemotronNas(plain) : plain;
            layout = options.compression() == null ? dense : compressed(dense, conversion, options.compression());
            configJson = layout.config().toJson(conversion.storedType(ckpt.tensors().get(LlamaTensorNames.EMBED)),
                    layout.configExtras(), layout.configRemoved());
        } catch (UserError e) {
            throw new UserError("cannot write " + dir + ": " + e.getMessage(), e);
        }
        Map<String, TensorData> tensors = layout.tensors();
        Map<String, Long> sizes = new LinkedHashMap<>();
        long total = 0;
        for (String name : layout.names()) {
            TensorData t = tensors.get(name);
            long bytes = t.numel() * conversion.storedType(t).byteSize();
            sizes.put(name, bytes);
            total += bytes;
        }
        ShardPlan plan = ShardPlan.of(sizes, options.maxShardBytes());
        String indexJson = plan.isSingleFile() ? null : indexJson(plan, total);
        try (ProgressBar bar = ProgressBar.start("writing " + dir.getFileName(), total)) {
            AtomicOutput.writeDirectory(dir, tmp -> {
                Files.writeString(tmp.resolve(HfFormat.CONFIG_FILE), configJson);
                for (int i = 0; i < plan.shards().size(); i++) {
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(plan.fileName(i))), 1 << 20)) {
                        SafetensorsStreamWriter.write(out, plan.shards().get(i), tensors, conversion,
                                Map.of("format", "pt"), bar);
                    }
                }
                if (indexJson != null) {
                    Files.writeString(tmp.resolve(ShardPlan.INDEX_FILE), indexJson);
                }
                for (Map.Entry<String, Path> c : layout.copies().entrySet()) {
                    Files.copy(c.getValue(), tmp.resolve(c.getKey()));
                }
            });
        }
    }

    /**
     * Refuses an output that would destroy the input (the source itself or a directory containing it)
     * or replace something that is not a model directory.
     */
    private static void checkTarget(LlamaCheckpoint ckpt, Path dir) {
        Path out = canonical(dir);
        if (ckpt.source() != null && canonical(ckpt.source()).startsWith(out)) {
            throw new UserError(dir + ": is or contains the input " + ckpt.source() + "; write the output elsewhere");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(dir + ": exists and is not a directory");
        }
        if (Files.isDirectory(dir) && !HfFormat.isModelDirectory(dir) && !isEmptyDirectory(dir)) {
            throw new UserError(dir + ": exists and is not a Hugging Face model directory; refusing to replace it");
        }
    }

    /** The absolute, normalized path with symbolic links resolved as far as the path exists. */
    static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = null;
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            Path real = existing.toRealPath();
            return rest == null ? real : real.resolve(rest);
        } catch (IOException e) {
            return abs;
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Measures the model from its tensors and checks that they form a complete, consistent set. */
    private static Layout layout(LlamaCheckpoint ckpt) {
        LlamaConfig c = ckpt.config();
        Map<String, TensorData> tensors = ckpt.tensors();
        if (HfArchitecture.byClassName(c.architecture()) == null) {
            throw new UserError("unknown architecture " + c.architecture() + " (supported: "
                    + HfArchitecture.supportedList() + ")");
        }
        TensorData embed = tensors.get(LlamaTensorNames.EMBED);
        if (embed == null || embed.shape().length != 2) {
            throw new UserError(embed == null ? "the model lacks " + LlamaTensorNames.EMBED
                    : LlamaTensorNames.EMBED + " has shape " + Arrays.toString(embed.shape()) + ", expected a matrix");
        }
        int vocab = Math.toIntExact(embed.shape()[0]);
        int hidden = Math.toIntExact(embed.shape()[1]);
        TensorData head = tensors.get(LlamaTensorNames.LM_HEAD);
        boolean tied;
        if (head == null) {
            if (!c.tieWordEmbeddings()) {
                throw new UserError("the model lacks " + LlamaTensorNames.LM_HEAD + " and does not tie it to the embedding");
            }
            tied = true;
        } else {
            tied = c.tieWordEmbeddings() && HfReader.sameValues(head, embed);
        }
        List<LayerShape> shapes = LayerShape.of(ckpt);
        boolean uniform = LayerShape.isUniform(shapes);
        LayerShape top = uniform ? shapes.get(0) : LayerShape.uniform(c);
        if (top.numHeads() == 0 || top.intermediateSize() == 0) {
            top = LayerShape.uniform(c);
        }
        boolean outputBias = hasBias(tensors, "self_attn.o_proj");
        boolean mlpBias = hasBias(tensors, "mlp.down_proj") || hasBias(tensors, "mlp.gate_proj");
        boolean qkvBias = c.attentionBias() || (outputBias && HfArchitecture.byClassName(c.architecture()) == HfArchitecture.LLAMA);
        LlamaConfig written = new LlamaConfig(c.architecture(), hidden, top.intermediateSize(), c.numLayers(),
                top.numHeads(), top.numKvHeads(), c.headDim(), vocab, c.maxPositions(), c.ropeTheta(), c.rmsNormEps(),
                tied, qkvBias, c.bosTokenId(), c.eosTokenId());
        HfConfig config = new HfConfig(written, shapes, outputBias, mlpBias);
        Map<String, long[]> expected = ExpectedTensors.of(written, shapes, !tied, outputBias, mlpBias);
        tensors = withZeroBiases(tensors, expected);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorData t = tensors.get(e.getKey());
            if (t == null) {
                throw new UserError("the model lacks " + e.getKey());
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new UserError(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", but the other tensors imply "
                        + Arrays.toString(e.getValue()));
            }
            if (!t.dtype().isFloating()) {
                throw new UserError(e.getKey() + " has dtype " + t.dtype() + "; model weights must be floating point");
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name) && !(tied && name.equals(LlamaTensorNames.LM_HEAD))) {
                throw new UserError("unexpected tensor " + name + " (not part of a " + c.architecture()
                        + (c.attentionBias() ? "" : " without attention biases") + ")");
            }
        }
        return new Layout(config, tensors, new ArrayList<>(expected.keySet()), copies(ckpt), Map.of(), java.util.Set.of());
    }

    /**
     * {@code layout} with the blocks' Linear weights replaced by their parts in layout {@code c} (compressed
     * after the dtype conversion, so that values that round to zero are not stored) and the
     * compressed-tensors {@code quantization_config} recorded.
     */
    private static Layout compressed(Layout layout, DTypeConversion conversion, SparseCompression c) {
        Map<String, TensorData> tensors = new LinkedHashMap<>(layout.tensors());
        List<String> names = new ArrayList<>();
        long weights = 0;
        long zeros = 0;
        for (String name : layout.names()) {
            if (!isBlockLinearWeight(name)) {
                names.add(name);
                continue;
            }
            TensorData stored = conversion.apply(name, tensors.remove(name));
            Map<String, TensorData> parts = BitmaskCodec.compress(name, stored, c);
            tensors.putAll(parts);
            names.addAll(parts.keySet());
            weights += stored.numel();
            for (float v : stored.toFloats()) {
                zeros += v == 0 ? 1 : 0;
            }
        }
        Map<String, Object> extras = Map.of(SparsityConfig.KEY, SparsityConfig.entry(c, weights == 0 ? 0.0 : zeros / (double) weights));
        Map<String, Object> all = new LinkedHashMap<>(layout.configExtras());
        all.putAll(extras);
        return new Layout(layout.config(), tensors, names, layout.copies(), all, layout.configRemoved());
    }

    /**
     * {@code layout} as {@link NemotronNasLayout}: {@code DeciLMForCausalLM} with {@code block_configs} instead of
     * per-model widths, and no tensors for removed sublayers; a {@link UserError} naming the first block it
     * cannot express.
     */
    private static Layout nemotronNas(Layout layout) {
        HfConfig c = layout.config();
        if (c.architecture() != HfArchitecture.LLAMA) {
            throw new UserError("the nemotron-nas layout holds Llama models, not " + c.architecture().className());
        }
        List<LayerShape> shapes = c.layerShapes();
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("architectures", List.of(NemotronNasLayout.ARCHITECTURE));
        extras.put("model_type", NemotronNasLayout.MODEL_TYPE);
        extras.put(NemotronNasLayout.BLOCK_CONFIGS,
                NemotronNasLayout.blockConfigs(shapes, c.llama().numHeads(), c.llama().hiddenSize()));
        List<String> names = new ArrayList<>();
        for (String name : layout.names()) {
            int layer = NemotronNasLayout.layerOf(name);
            if (layer < 0 || !NemotronNasLayout.isRemoved(name, layer, shapes.get(layer))) {
                names.add(name);
            }
        }
        return new Layout(c, layout.tensors(), names, layout.copies(), extras,
                java.util.Set.of("intermediate_size", "num_key_value_heads", HfConfig.LAYER_SHAPES_KEY));
    }

    /** True for the weight of one of {@link LlamaTensorNames#BLOCK_LINEARS}: the modules a sparse layout compresses. */
    static boolean isBlockLinearWeight(String name) {
        if (!name.startsWith(LlamaTensorNames.BLOCKS) || !name.endsWith(".weight")) {
            return false;
        }
        String rest = name.substring(LlamaTensorNames.BLOCKS.length());
        int dot = rest.indexOf('.');
        return dot > 0 && LlamaTensorNames.BLOCK_LINEARS.contains(rest.substring(dot + 1, rest.length() - ".weight".length()));
    }

    private static boolean hasBias(Map<String, TensorData> tensors, String linear) {
        String suffix = "." + linear + ".bias";
        return tensors.keySet().stream().anyMatch(n -> n.endsWith(suffix));
    }

    /**
     * The tensors plus zero biases for the projections that a bias flag covers but that have none
     * (a Llama config's {@code attention_bias} covers q, k, v and o together; {@code mlp_bias} gate, up
     * and down): bias compensation gives only {@code o_proj}/{@code down_proj} biases.
     */
    private static Map<String, TensorData> withZeroBiases(Map<String, TensorData> tensors, Map<String, long[]> expected) {
        Map<String, TensorData> out = new LinkedHashMap<>(tensors);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (e.getKey().endsWith(".bias") && !out.containsKey(e.getKey())) {
                out.put(e.getKey(), TensorData.ofFloats(e.getValue(), new float[Math.toIntExact(e.getValue()[0])]));
            }
        }
        return out;
    }

    /** Target file name to source file: tokenizer files of a source directory, then the checkpoint's tokenizer. */
    private static Map<String, Path> copies(LlamaCheckpoint ckpt) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (ckpt.source() != null && Files.isDirectory(ckpt.source())) {
            for (String name : CARRIED_FILES) {
                Path p = ckpt.source().resolve(name);
                if (Files.isRegularFile(p)) {
                    out.put(name, p);
                }
            }
        }
        Path tok = ckpt.tokenizer();
        if (tok != null) {
            if (!Files.isRegularFile(tok)) {
                throw new UserError(tok + ": no such tokenizer file");
            }
            String n = tok.getFileName().toString().toLowerCase(Locale.ROOT);
            String target = n.endsWith(".json") ? HfFormat.TOKENIZER_JSON
                    : n.endsWith(".model") ? "tokenizer.model" : HfFormat.LLAMA2C_TOKENIZER;
            out.put(target, tok);
        }
        return out;
    }

    private static String indexJson(ShardPlan plan, long totalBytes) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metadata", Map.of("total_size", totalBytes));
        root.put("weight_map", new TreeMap<>(plan.weightMap()));
        try {
            return JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
