package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * The Nemotron-NAS / DeciLM layout of a model whose blocks differ ({@code DeciLMForCausalLM},
 * {@code model_type: nemotron-nas}, as NVIDIA's Llama-3.1-Nemotron-51B and vLLM's {@code nemotron_nas}
 * model read it): Llama tensors, no tensors for a removed sublayer, and per block a {@code block_configs}
 * entry {@code {attention: {n_heads_in_group, no_op, replace_with_linear}, ffn: {ffn_mult, no_op,
 * replace_with_linear}}}.
 *
 * <p>What it can express: every attention sublayer has the global {@code num_attention_heads} query heads
 * and {@code num_attention_heads / n_heads_in_group} key/value heads, or none ({@code no_op}); every MLP
 * has width {@code ceil256(int(2 · ffn_mult · hidden_size / 3))} (DeciLM's {@code _ffn_mult_to_intermediate_size},
 * reproduced here in the same IEEE double arithmetic as Python), so a positive multiple of 256, or none.
 * Linear replacements ({@code replace_with_linear}) are never written and refused on reading.
 */
final class NemotronNasLayout {
    static final String ARCHITECTURE = "DeciLMForCausalLM";
    static final String MODEL_TYPE = "nemotron-nas";
    static final String BLOCK_CONFIGS = "block_configs";
    /** DeciLM rounds MLP widths up to a multiple of this. */
    static final int FFN_MULTIPLE = 256;

    private NemotronNasLayout() {}

    /** DeciLM's MLP width for {@code ffnMult}: {@code int(2 * ffn_mult * n_embd / 3)} rounded up to a multiple of 256. */
    static long intermediateSize(double ffnMult, int hidden) {
        long n = (long) (2 * ffnMult * hidden / 3);
        return n % FFN_MULTIPLE == 0 ? n : n + FFN_MULTIPLE - n % FFN_MULTIPLE;
    }

    /** The {@code ffn_mult} that gives width {@code width}, or NaN when none does (not a positive multiple of 256). */
    static double ffnMult(int width, int hidden) {
        if (width <= 0 || width % FFN_MULTIPLE != 0) {
            return Double.NaN;
        }
        double m = 3.0 * width / (2.0 * hidden);
        for (int step = 0; step < 4 && intermediateSize(m, hidden) != width; step++) {
            m = intermediateSize(m, hidden) > width ? Math.nextDown(m) : Math.nextUp(m);
        }
        return intermediateSize(m, hidden) == width ? m : Double.NaN;
    }

    /**
     * The {@code block_configs} of blocks shaped as {@code shapes} under {@code heads} global query heads;
     * a {@link UserError} naming the first block the layout cannot express and what would fix it.
     */
    static List<Map<String, Object>> blockConfigs(List<LayerShape> shapes, int heads, int hidden) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            LayerShape s = shapes.get(i);
            Map<String, Object> attention = new LinkedHashMap<>();
            if (s.numHeads() == 0) {
                attention.put("n_heads_in_group", null);
                attention.put("no_op", true);
            } else if (s.numHeads() != heads) {
                throw new UserError("layer " + i + " has " + s.numHeads() + " query heads, but the nemotron-nas layout gives every "
                        + "attention layer the global num_attention_heads " + heads + " (prune MLP neurons or key/value "
                        + "heads only, or whole attention sublayers, or write --format hf)");
            } else {
                attention.put("n_heads_in_group", heads / s.numKvHeads());
                attention.put("no_op", false);
            }
            attention.put("replace_with_linear", false);
            Map<String, Object> ffn = new LinkedHashMap<>();
            if (s.intermediateSize() == 0) {
                ffn.put("ffn_mult", null);
                ffn.put("no_op", true);
            } else {
                double m = ffnMult(s.intermediateSize(), hidden);
                if (Double.isNaN(m)) {
                    throw new UserError("layer " + i + " has an MLP width of " + s.intermediateSize() + ", but nemotron-nas widths "
                            + "are multiples of " + FFN_MULTIPLE + " (DeciLM rounds 2*ffn_mult*hidden_size/3 up to one); "
                            + "prune with --round-to " + FFN_MULTIPLE);
                }
                ffn.put("ffn_mult", m);
                ffn.put("no_op", false);
            }
            ffn.put("replace_with_linear", false);
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("attention", attention);
            block.put("ffn", ffn);
            out.add(block);
        }
        return out;
    }

    /** True when tensor {@code name} of block {@code layer} belongs to a sublayer that {@code s} removes (not stored). */
    static boolean isRemoved(String name, int layer, LayerShape s) {
        String rest = name.substring(org.prune4j.internal.model.llama.LlamaTensorNames.block(layer).length());
        boolean attention = rest.startsWith("self_attn.") || rest.startsWith("input_layernorm.");
        boolean ffn = rest.startsWith("mlp.") || rest.startsWith("post_attention_layernorm.");
        return (attention && s.numHeads() == 0) || (ffn && s.intermediateSize() == 0);
    }

    /** The block index of tensor {@code name}, or -1 when it is not a block tensor. */
    static int layerOf(String name) {
        String blocks = org.prune4j.internal.model.llama.LlamaTensorNames.BLOCKS;
        if (!name.startsWith(blocks)) {
            return -1;
        }
        int dot = name.indexOf('.', blocks.length());
        try {
            return dot < 0 ? -1 : Integer.parseInt(name.substring(blocks.length(), dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True when the config tree names the DeciLM architecture or the nemotron-nas model type. */
    static boolean declares(JsonNode root) {
        JsonNode archs = root.get("architectures");
        if (archs != null && archs.isArray() && !archs.isEmpty()) {
            return ARCHITECTURE.equals(archs.get(0).asText());
        }
        return MODEL_TYPE.equals(root.path("model_type").asText(""));
    }

    /**
     * The per-block shapes {@code block_configs} describes under {@code heads} query heads of the model
     * with {@code hidden} width; a one-line {@link UserError} (starting with {@code origin}) for anything
     * missing, malformed or not supported.
     */
    static List<LayerShape> read(JsonNode root, int layers, int heads, int hidden, String origin) {
        JsonNode blocks = root.get(BLOCK_CONFIGS);
        if (blocks == null || !blocks.isArray() || blocks.size() != layers) {
            throw new UserError(origin + ": " + BLOCK_CONFIGS + " must list " + layers + " blocks, got "
                    + (blocks == null ? "none" : blocks.isArray() ? blocks.size() + " entries" : ConfigBounds.printable(blocks.toString())));
        }
        List<LayerShape> out = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String where = origin + ": " + BLOCK_CONFIGS + "[" + i + "]";
            JsonNode a = blocks.get(i).path("attention");
            JsonNode f = blocks.get(i).path("ffn");
            if (!a.isObject() || !f.isObject()) {
                throw new UserError(where + " must have attention and ffn objects");
            }
            if (a.path("replace_with_linear").asBoolean(false) || f.path("replace_with_linear").asBoolean(false)) {
                throw new UserError(where + ": not supported yet: replace_with_linear (a sublayer replaced by one Linear)");
            }
            int q = heads;
            int kv;
            if (a.path("no_op").asBoolean(false)) {
                q = 0;
                kv = 0;
            } else {
                JsonNode g = a.get("n_heads_in_group");
                if (g == null || !g.canConvertToInt() || !g.isIntegralNumber() || g.intValue() <= 0 || heads % g.intValue() != 0) {
                    throw new UserError(where + ".attention.n_heads_in_group must be a positive divisor of num_attention_heads "
                            + heads + ", got " + g);
                }
                kv = heads / g.intValue();
            }
            int width;
            if (f.path("no_op").asBoolean(false)) {
                width = 0;
            } else {
                JsonNode m = f.get("ffn_mult");
                JsonNode direct = f.get("intermediate_size");
                if (m != null && m.isNumber() && m.doubleValue() > 0 && m.doubleValue() < 1e6) {
                    width = Math.toIntExact(intermediateSize(m.doubleValue(), hidden));
                } else if (direct != null && direct.isIntegralNumber() && direct.canConvertToInt() && direct.intValue() > 0) {
                    width = direct.intValue();
                } else {
                    throw new UserError(where + ".ffn needs a positive ffn_mult, got " + m);
                }
            }
            out.add(new LayerShape(width, q, kv));
        }
        return out;
    }

    /**
     * The Llama view of a nemotron-nas config tree: {@code LlamaForCausalLM} with {@code num_key_value_heads}
     * and {@code intermediate_size} of the widest block (the per-block shapes come from {@link #read}).
     */
    static ObjectNode asLlama(JsonNode root, List<LayerShape> shapes) {
        ObjectNode copy = ((ObjectNode) root).deepCopy();
        copy.putArray("architectures").add(HfArchitecture.LLAMA.className());
        copy.put("model_type", HfArchitecture.LLAMA.modelType());
        copy.remove(BLOCK_CONFIGS);
        copy.remove(HfConfig.LAYER_SHAPES_KEY);
        copy.put("intermediate_size", Math.max(1, shapes.stream().mapToInt(LayerShape::intermediateSize).max().orElse(1)));
        copy.put("num_key_value_heads", Math.max(1, shapes.stream().mapToInt(LayerShape::numKvHeads).max().orElse(1)));
        return copy;
    }
}
