package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.UserError;

/**
 * Typed access to the keys of one {@code config.json}, turning every wrong type, missing key and
 * unsupported feature into a one-line {@link UserError} that starts with the file name.
 */
final class ConfigReader {
    private final JsonNode root;
    private final String origin;

    ConfigReader(JsonNode root, String origin) {
        this.root = root;
        this.origin = origin;
    }

    UserError error(String what) {
        return new UserError(origin + ": " + what);
    }

    private UserError notSupported(String what) {
        return error("not supported yet: " + what);
    }

    /** True when {@code key} is present and not null. */
    boolean has(String key) {
        JsonNode n = root.get(key);
        return n != null && !n.isNull();
    }

    /** From {@code architectures[0]}, else from {@code model_type}. */
    HfArchitecture architecture() {
        JsonNode archs = root.get("architectures");
        if (archs != null && archs.isArray() && !archs.isEmpty()) {
            String name = archs.get(0).asText();
            HfArchitecture a = HfArchitecture.byClassName(name);
            if (a == null) {
                throw error("unknown architecture " + name + " (supported: " + HfArchitecture.supportedList() + ")");
            }
            return a;
        }
        JsonNode type = root.get("model_type");
        if (type != null && type.isTextual()) {
            HfArchitecture a = HfArchitecture.byModelType(type.asText());
            if (a == null) {
                throw error("unknown model_type " + type.asText() + " (supported: " + HfArchitecture.supportedList() + ")");
            }
            return a;
        }
        throw error("names no architecture (neither 'architectures' nor 'model_type')");
    }

    int requiredInt(String key) {
        if (!has(key)) {
            throw error("missing " + key);
        }
        return intValue(key, root.get(key));
    }

    int optionalInt(String key, int fallback) {
        return has(key) ? intValue(key, root.get(key)) : fallback;
    }

    private int intValue(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error(key + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    double optionalDouble(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode n = root.get(key);
        if (!n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw error(key + " must be a positive number, got " + n);
        }
        return n.doubleValue();
    }

    boolean optionalBoolean(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode n = root.get(key);
        if (!n.isBoolean()) {
            throw error(key + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    /** Refuses a boolean feature flag that is set to true. */
    void refuseTrue(String key, String feature) {
        if (optionalBoolean(key, false)) {
            throw notSupported(feature);
        }
    }

    /** The hidden activation must be SiLU ({@code silu}, or its alias {@code swish}). */
    void requireSilu() {
        if (!has("hidden_act")) {
            return;
        }
        String act = root.get("hidden_act").asText();
        if (!act.equals("silu") && !act.equals("swish")) {
            throw notSupported("hidden_act " + act + " (only silu)");
        }
    }

    /**
     * {@code rope_theta}, default 10000; also understands the newer {@code rope_parameters} object.
     * Any RoPE scaling other than the default is refused.
     */
    double ropeTheta() {
        double theta = optionalDouble("rope_theta", 10000.0);
        checkRopeType("rope_scaling");
        JsonNode params = root.get("rope_parameters");
        if (params != null && params.isObject()) {
            checkRopeType("rope_parameters");
            JsonNode t = params.get("rope_theta");
            if (t != null && !t.isNull()) {
                if (!t.isNumber() || !(t.doubleValue() > 0)) {
                    throw error("rope_parameters.rope_theta must be a positive number, got " + t);
                }
                theta = t.doubleValue();
            }
        }
        return theta;
    }

    private void checkRopeType(String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isObject()) {
            throw error(key + " must be an object or null, got " + n);
        }
        JsonNode type = n.has("rope_type") ? n.get("rope_type") : n.get("type");
        String name = type == null || type.isNull() ? "(unnamed)" : type.asText();
        if (!name.equals("default")) {
            throw notSupported(key.equals("rope_scaling") ? "rope_scaling type " + name : key + " rope_type " + name);
        }
    }

    /**
     * A sliding window shorter than the context changes attention; the forward pass does not implement
     * it. Mistral uses {@code sliding_window} when set; Qwen2 only when {@code use_sliding_window}.
     */
    void checkSlidingWindow(HfArchitecture arch, int maxPositions) {
        boolean applies = switch (arch) {
            case MISTRAL -> true;
            case QWEN2 -> optionalBoolean("use_sliding_window", false);
            case LLAMA -> false;
        };
        if (!applies || !has("sliding_window")) {
            return;
        }
        int window = intValue("sliding_window", root.get("sliding_window"));
        if (window < maxPositions) {
            throw notSupported("sliding_window " + window + " shorter than max_position_embeddings " + maxPositions);
        }
    }

    /** A special token id: an integer, a list of integers (the first is used), or absent/null. */
    int tokenId(String key, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode n = root.get(key);
        if (n.isArray()) {
            if (n.isEmpty()) {
                return fallback;
            }
            n = n.get(0);
        }
        int id = intValue(key, n);
        if (id < 0) {
            throw error(key + " must not be negative, got " + id);
        }
        return id;
    }

    /** The {@value HfConfig#LAYER_SHAPES_KEY} list, or {@code null} when absent. */
    List<LayerShape> layerShapes(int layers) {
        String key = HfConfig.LAYER_SHAPES_KEY;
        if (!has(key)) {
            return null;
        }
        JsonNode n = root.get(key);
        if (!n.isArray() || n.size() != layers) {
            throw error(key + " must list " + layers + " blocks, got " + (n.isArray() ? n.size() + " entries" : n));
        }
        List<LayerShape> out = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            JsonNode e = n.get(i);
            String where = key + "[" + i + "]";
            if (!e.isObject()) {
                throw error(where + " must be an object, got " + e);
            }
            int inter = nonNegative(where, e, "intermediate_size");
            int heads = nonNegative(where, e, "num_attention_heads");
            int kv = nonNegative(where, e, "num_key_value_heads");
            LayerShape s = new LayerShape(inter, heads, kv);
            String problem = s.problem();
            if (problem != null) {
                throw error(where + ": " + problem);
            }
            out.add(s);
        }
        return out;
    }

    private int nonNegative(String where, JsonNode e, String key) {
        JsonNode v = e.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw error(where + "." + key + " must be a non-negative integer, got " + v);
        }
        return v.intValue();
    }
}
