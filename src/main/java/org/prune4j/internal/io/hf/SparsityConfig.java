package org.prune4j.internal.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * The {@code quantization_config} entry of a {@code config.json} as compressed-tensors records a
 * sparse-only model: {@code quant_method: "compressed-tensors"} and a {@code sparsity_config} naming the
 * layout ({@code format}), the {@code sparsity_structure}, the compressed modules ({@code targets:
 * ["Linear"]}, {@code ignore: ["lm_head"]}) and the {@code global_sparsity} of those modules.
 */
final class SparsityConfig {
    static final String KEY = "quantization_config";
    private static final String METHOD = "compressed-tensors";

    private SparsityConfig() {}

    /** The {@value #KEY} value for a model stored in layout {@code c} whose compressed weights are {@code sparsity} zero. */
    static Map<String, Object> entry(SparseCompression c, double sparsity) {
        Map<String, Object> sparse = new LinkedHashMap<>();
        sparse.put("format", c.formatName());
        sparse.put("global_sparsity", sparsity);
        sparse.put("ignore", List.of("lm_head"));
        sparse.put("registry_requires_subclass", false);
        sparse.put("sparsity_structure", c.structure());
        sparse.put("targets", List.of("Linear"));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("quant_method", METHOD);
        q.put("sparsity_config", sparse);
        return q;
    }

    /**
     * The layout a config declares, or {@code null} for none (no {@value #KEY}, or a {@code dense}
     * sparsity format). Quantized weights and other methods are refused as not supported yet.
     */
    static SparseCompression read(JsonNode root, String origin) {
        JsonNode q = root.get(KEY);
        if (q == null || q.isNull()) {
            return null;
        }
        if (!q.isObject()) {
            throw new UserError(origin + ": " + KEY + " must be an object, got " + ConfigBounds.printable(q.toString()));
        }
        String method = q.path("quant_method").asText("");
        if (!method.equals(METHOD)) {
            throw new UserError(origin + ": not supported yet: " + KEY + " with quant_method '"
                    + ConfigBounds.printable(method) + "' (prune4j reads compressed-tensors sparse layouts)");
        }
        JsonNode groups = q.get("config_groups");
        if (groups != null && groups.isObject() && !groups.isEmpty()) {
            throw new UserError(origin + ": not supported yet: quantized weights (" + KEY + ".config_groups)");
        }
        JsonNode sparse = q.get("sparsity_config");
        if (sparse == null || sparse.isNull()) {
            return null;
        }
        String format = sparse.path("format").asText("");
        if (format.equals("dense")) {
            return null;
        }
        SparseCompression c = SparseCompression.byFormatName(format);
        if (c == null) {
            throw new UserError(origin + ": not supported yet: sparsity_config format '" + ConfigBounds.printable(format)
                    + "' (prune4j reads sparse-bitmask and sparse-24-bitmask)");
        }
        return c;
    }
}
