package org.prune4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.structured.StructuredMethod;
import org.prune4j.internal.prune.structured.StructuredRecipeKeys;

/**
 * The pruning method and all its settings (recipe section {@code method}). The method is found by name
 * in the methods registry and reads its own settings; a constructed value holds every setting in effect
 * (the given ones and the method's defaults for the rest), so a written recipe never depends on defaults.
 *
 * <p>Structured methods ({@code flap}, {@code wanda-sp}, {@code magnitude-sp}, {@code taylor},
 * {@code block-influence}, {@code angular}) remove whole heads, neurons or layers: they take no sparsity
 * but {@code ratio} or {@code layers}, {@code units}, {@code allocation}, {@code round_to}, {@code metric},
 * {@code bias_compensation}, {@code taylor} as their settings (declared in
 * {@link org.prune4j.internal.prune.structured.StructuredRecipeKeys}).
 *
 * @param name a registered method: {@code magnitude}, {@code wanda}, {@code sparsegpt}, {@code dsnot}, or
 *     a structured one (recipe key {@code method.name})
 * @param sparsity a fraction in [0, 1) such as {@code 0.5}, or {@code N:M} such as {@code 2:4} (recipe
 *     key {@code method.sparsity}; write N:M in quotes in YAML); null for a structured method
 * @param settings the method's own settings by name (recipe keys {@code method.<setting>}), e.g.
 *     sparsegpt's {@code blocksize} (128), {@code percdamp} (0.01), {@code precision} (float64); flap's
 *     {@code ratio}, {@code units}, {@code allocation}, {@code metric}, ...
 */
public record MethodSettings(String name, String sparsity, Map<String, Object> settings) {
    /** Checks the name and sparsity; fills in the method's defaults; rejects settings the method does not take. */
    public MethodSettings {
        name = JobSettings.methodName(name);
        StructuredMethod structured = StructuredMethod.byName(name);
        Map<String, Object> given = settings == null ? Map.of() : settings;
        if (name.equals(NONE)) {
            if (sparsity != null || !given.isEmpty()) {
                throw new UserError("method.name none: prunes nothing and takes no settings (method."
                        + (sparsity != null ? "sparsity" : given.keySet().iterator().next()) + ")");
            }
        } else if (structured != null) {
            if (sparsity != null) {
                throw new UserError("method.sparsity: " + name + " removes whole units; give method.ratio"
                        + (structured.removesWidth() ? "" : " or method.layers") + " instead");
            }
            settings = StructuredRecipeKeys.toMap(StructuredRecipeKeys.fromMap(structured, given, 0));
        } else {
            if (sparsity == null || sparsity.isBlank()) {
                throw new UserError("method.sparsity: missing; a fraction like 0.5 or N:M like 2:4");
            }
            sparsity = SparsityPattern.parse("method.sparsity", sparsity).toString();
            settings = JobSettings.methodSettings(name, given);
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The method name of a recipe that prunes nothing (it only recovers the model it names). */
    public static final String NONE = "none";

    /** No pruning: the recipe recovers its model as it is (what {@code prune4j recover} runs). */
    public static MethodSettings none() {
        return new MethodSettings(NONE, null, Map.of());
    }

    /** False for {@code none}. */
    public boolean prunes() {
        return !name.equals(NONE);
    }

    /** True for a structured method (no sparsity; whole units removed). */
    public boolean structured() {
        return StructuredMethod.byName(name) != null;
    }

    /** The structured method {@code name} with its settings (e.g. {@code ratio}), the method's defaults for the rest. */
    public static MethodSettings structured(String name, Map<String, Object> settings) {
        return new MethodSettings(name, null, settings);
    }

    /** {@code name} at {@code sparsity} with the method's default settings. */
    public static MethodSettings of(String name, String sparsity) {
        return new MethodSettings(name, sparsity, Map.of());
    }

    /** These settings with {@code setting} set to {@code value} (a number, string or boolean). */
    public MethodSettings with(String setting, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.put(setting, value);
        return new MethodSettings(name, sparsity, m);
    }
}
