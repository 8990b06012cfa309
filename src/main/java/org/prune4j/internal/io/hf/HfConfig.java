package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.model.llama.LlamaConfig;

/**
 * A Hugging Face {@code config.json} of a Llama-family causal LM ({@link HfArchitecture}), as prune4j
 * understands it: the {@link LlamaConfig} plus the shape of every decoder block.
 *
 * <p>Reading follows the {@code transformers} configuration classes: {@code num_key_value_heads}
 * defaults to the number of heads, {@code head_dim} to {@code hidden_size / num_attention_heads},
 * {@code rope_theta} to 10000, {@code rms_norm_eps} to 1e-6, {@code tie_word_embeddings} to false;
 * {@code bos_token_id}/{@code eos_token_id} may be lists (the first is used) or absent/null (then -1,
 * "none", for Qwen2; 1 and 2 for Llama and Mistral). Qwen2 always has q/k/v biases. Features the forward
 * pass does not implement ({@code rope_scaling}, an effective sliding window, MLP biases, Llama's
 * {@code attention_bias} which also biases {@code o_proj}, activations other than SiLU) are refused
 * with a {@link UserError} rather than silently ignored.
 *
 * <p>Structured pruning can leave blocks of different widths, which the standard keys cannot describe.
 * Then the top-level keys keep describing the unpruned model and the extra key {@value #LAYER_SHAPES_KEY}
 * lists, per block, {@code intermediate_size}, {@code num_attention_heads} and
 * {@code num_key_value_heads}.
 *
 * <p>Bias compensation (FLAP) gives {@code o_proj} and {@code down_proj} biases. A Llama config says so
 * with the standard flags: {@code attention_bias} (q, k, v and o all carry biases; the writer stores
 * zeros where the model has none) and {@code mlp_bias} (gate, up and down).
 *
 * @param llama the model hyperparameters ({@code attentionBias}: q/k/v biases)
 * @param layerShapes one entry per decoder block
 * @param outputBias {@code o_proj} carries a bias
 * @param mlpBias {@code gate_proj}, {@code up_proj} and {@code down_proj} carry biases
 */
record HfConfig(LlamaConfig llama, List<LayerShape> layerShapes, boolean outputBias, boolean mlpBias) {
    /** The config.json key prune4j adds for models with blocks of different widths. */
    public static final String LAYER_SHAPES_KEY = "prune4j_layer_shapes";
    /** Value of {@code "none"} for an absent special token id. */
    public static final int NO_TOKEN = -1;

    private static final ObjectMapper JSON = new ObjectMapper();

    public HfConfig {
        layerShapes = List.copyOf(layerShapes);
        if (layerShapes.size() != llama.numLayers()) {
            throw new IllegalArgumentException(layerShapes.size() + " layer shapes for " + llama.numLayers() + " layers");
        }
    }

    /** A config without {@code o_proj} or MLP biases. */
    public HfConfig(LlamaConfig llama, List<LayerShape> layerShapes) {
        this(llama, layerShapes, false, false);
    }

    /** A config whose blocks all have the shape {@code llama} describes. */
    public static HfConfig uniform(LlamaConfig llama) {
        return new HfConfig(llama, Collections.nCopies(llama.numLayers(), LayerShape.uniform(llama)));
    }

    /** The architecture, from {@link LlamaConfig#architecture()}. */
    public HfArchitecture architecture() {
        HfArchitecture a = HfArchitecture.byClassName(llama.architecture());
        if (a == null) {
            throw new UserError("unknown architecture " + llama.architecture() + " (supported: "
                    + HfArchitecture.supportedList() + ")");
        }
        return a;
    }

    /** True when every block has the shape the top-level keys describe. */
    public boolean isUniform() {
        LayerShape u = LayerShape.uniform(llama);
        return layerShapes.stream().allMatch(u::equals);
    }

    /** Reads and validates {@code file} (a {@code config.json}). */
    public static HfConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new UserError(file + ": not valid JSON: " + oneLine(e.getOriginalMessage()) + where);
        }
        if (root == null || !root.isObject()) {
            throw new UserError(file + ": not a JSON object");
        }
        return parse(root, file.toString());
    }

    /** Parses a config.json tree; {@code origin} prefixes error messages. */
    static HfConfig parse(JsonNode root, String origin) {
        if (NemotronNasLayout.declares(root)) {
            ConfigReader n = new ConfigReader(root, origin);
            int heads = n.requiredInt("num_attention_heads");
            if (heads <= 0) {
                throw n.error("num_attention_heads must be positive, got " + heads);
            }
            List<LayerShape> shapes = NemotronNasLayout.read(root, n.requiredInt("num_hidden_layers"), heads,
                    n.requiredInt("hidden_size"), origin);
            HfConfig llama = parse(NemotronNasLayout.asLlama(root, shapes), origin);
            return new HfConfig(llama.llama(), shapes, llama.outputBias(), llama.mlpBias());
        }
        ConfigReader r = new ConfigReader(root, origin);
        HfArchitecture arch = r.architecture();
        int hidden = r.requiredInt("hidden_size");
        int intermediate = r.requiredInt("intermediate_size");
        int layers = r.requiredInt("num_hidden_layers");
        int heads = r.requiredInt("num_attention_heads");
        int vocab = r.requiredInt("vocab_size");
        if (heads <= 0) {
            throw r.error("num_attention_heads must be positive, got " + heads);
        }
        int kvHeads = r.optionalInt("num_key_value_heads", heads);
        if (!r.has("head_dim") && hidden % heads != 0) {
            throw r.error("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads
                    + " and there is no head_dim");
        }
        int headDim = r.optionalInt("head_dim", hidden / heads);
        int maxPositions = r.optionalInt("max_position_embeddings", arch.defaultMaxPositions());
        double ropeTheta = r.ropeTheta();
        double eps = r.optionalDouble("rms_norm_eps", 1e-6);
        boolean tie = r.optionalBoolean("tie_word_embeddings", false);
        r.requireSilu();
        boolean bias;
        boolean mlpBias = false;
        if (arch == HfArchitecture.LLAMA) {
            bias = r.optionalBoolean("attention_bias", false);
            mlpBias = r.optionalBoolean("mlp_bias", false);
        } else {
            r.refuseTrue("mlp_bias", "mlp_bias (biases in the MLP projections)");
            bias = arch.alwaysHasQkvBias();
        }
        r.checkSlidingWindow(arch, maxPositions);
        int defaultBos = arch == HfArchitecture.QWEN2 ? NO_TOKEN : 1;
        int defaultEos = arch == HfArchitecture.QWEN2 ? NO_TOKEN : 2;
        int bos = r.tokenId("bos_token_id", defaultBos);
        int eos = r.tokenId("eos_token_id", defaultEos);
        LlamaConfig llama;
        try {
            llama = new LlamaConfig(arch.className(), hidden, intermediate, layers, heads, kvHeads, headDim, vocab,
                    maxPositions, ropeTheta, eps, tie, bias, bos, eos);
        } catch (UserError e) {
            throw r.error(e.getMessage().replaceFirst("^model config: ", ""));
        }
        List<LayerShape> shapes = r.layerShapes(layers);
        return new HfConfig(llama, shapes != null ? shapes : uniform(llama).layerShapes(),
                arch == HfArchitecture.LLAMA && bias, mlpBias);
    }

    /**
     * This config as a {@code config.json} text for its architecture (keys sorted, two-space indent, as
     * {@code transformers} writes them), with {@code torch_dtype} naming {@code dtype}.
     */
    public String toJson(DType dtype) {
        return toJson(dtype, Map.of());
    }

    /** {@link #toJson(DType)} with the keys of {@code extras} added (e.g. a {@code quantization_config}). */
    String toJson(DType dtype, Map<String, Object> extras) {
        return toJson(dtype, extras, java.util.Set.of());
    }

    /** {@link #toJson(DType, Map)} without the keys {@code removed} (those another layout replaces). */
    String toJson(DType dtype, Map<String, Object> extras, java.util.Set<String> removed) {
        LlamaConfig c = llama;
        HfArchitecture arch = architecture();
        boolean llamaBiases = arch == HfArchitecture.LLAMA && c.attentionBias() && outputBias;
        if (c.attentionBias() != arch.alwaysHasQkvBias() && !llamaBiases) {
            throw new UserError("cannot write a " + arch.className() + " config for a model "
                    + (c.attentionBias() ? "with" : "without") + " q/k/v biases");
        }
        if (arch != HfArchitecture.LLAMA && (outputBias || mlpBias)) {
            throw new UserError("not supported yet: o_proj/MLP biases (from bias compensation) in a " + arch.className()
                    + " config; prune without bias compensation");
        }
        Map<String, Object> m = new TreeMap<>();
        m.put("architectures", List.of(arch.className()));
        m.put("model_type", arch.modelType());
        m.put("attention_dropout", 0.0);
        m.put("bos_token_id", c.bosTokenId() == NO_TOKEN ? null : c.bosTokenId());
        m.put("eos_token_id", c.eosTokenId() == NO_TOKEN ? null : c.eosTokenId());
        m.put("head_dim", c.headDim());
        m.put("hidden_act", "silu");
        m.put("hidden_size", c.hiddenSize());
        m.put("initializer_range", 0.02);
        m.put("intermediate_size", c.intermediateSize());
        m.put("max_position_embeddings", c.maxPositions());
        m.put("num_attention_heads", c.numHeads());
        m.put("num_hidden_layers", c.numLayers());
        m.put("num_key_value_heads", c.numKvHeads());
        m.put("rms_norm_eps", c.rmsNormEps());
        m.put("rope_theta", c.ropeTheta());
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        m.put("torch_dtype", torchDtypeName(dtype));
        m.put("use_cache", true);
        m.put("vocab_size", c.vocabSize());
        switch (arch) {
            case LLAMA -> {
                m.put("attention_bias", llamaBiases);
                m.put("mlp_bias", mlpBias);
                m.put("pretraining_tp", 1);
                m.put("rope_scaling", null);
            }
            case MISTRAL -> m.put("sliding_window", null);
            case QWEN2 -> {
                m.put("max_window_layers", c.numLayers());
                m.put("rope_scaling", null);
                m.put("sliding_window", null);
                m.put("use_sliding_window", false);
            }
        }
        if (!isUniform()) {
            List<Map<String, Integer>> shapes = new ArrayList<>();
            for (LayerShape s : layerShapes) {
                Map<String, Integer> e = new LinkedHashMap<>();
                e.put("intermediate_size", s.intermediateSize());
                e.put("num_attention_heads", s.numHeads());
                e.put("num_key_value_heads", s.numKvHeads());
                shapes.add(e);
            }
            m.put(LAYER_SHAPES_KEY, shapes);
        }
        m.putAll(extras);
        m.keySet().removeAll(removed);
        try {
            return JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code torch_dtype} name of a floating dtype, e.g. {@code bfloat16}. */
    public static String torchDtypeName(DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        };
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
