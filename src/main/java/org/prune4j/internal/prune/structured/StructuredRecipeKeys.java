package org.prune4j.internal.prune.structured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;

/**
 * The settings of a structured method as recipe keys ({@code method.<key>}), both ways. Each key is
 * declared here with the flag it mirrors:
 * <ul>
 *   <li>{@code ratio} (number, {@code --ratio}): fraction of decoder-block parameters to remove (layer
 *       methods: {@code round(ratio·L)} layers); written when {@code layers} is not;</li>
 *   <li>{@code layers} (integer, {@code --layers}): layers (or sublayers) to remove; block-influence and
 *       angular only, written when given instead of {@code ratio};</li>
 *   <li>{@code units} (string, {@code --units}): {@code kv-groups,neurons} etc. for width methods,
 *       {@code layers|attention|mlp} for layer methods;</li>
 *   <li>{@code allocation} (string, {@code --allocation}): {@code uniform} or {@code adaptive}; width
 *       methods only;</li>
 *   <li>{@code round_to} (integer, {@code --round-to}): MLP widths kept at multiples of this; width methods only;</li>
 *   <li>{@code metric} (string, {@code --metric}): {@code IFV}, {@code WIFV} or {@code WIFN}; flap only;</li>
 *   <li>{@code bias_compensation} (boolean, {@code --bias-compensation}): flap only;</li>
 *   <li>{@code taylor} (string, {@code --taylor}): {@code element} or {@code vector}; taylor only.</li>
 * </ul>
 * The calibration batch is the recipe's {@code calibration.batch}.
 */
public final class StructuredRecipeKeys {
    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("ratio", "--ratio");
        FLAGS.put("layers", "--layers");
        FLAGS.put("units", "--units");
        FLAGS.put("allocation", "--allocation");
        FLAGS.put("round_to", "--round-to");
        FLAGS.put("metric", "--metric");
        FLAGS.put("bias_compensation", "--bias-compensation");
        FLAGS.put("taylor", "--taylor");
    }

    private StructuredRecipeKeys() {}

    /** The keys {@code method} takes. */
    public static List<String> keys(StructuredMethod method) {
        List<String> keys = new java.util.ArrayList<>(List.of("ratio", "layers", "units")); // layers: refused by width methods
        if (method.removesWidth()) {
            keys.add("allocation");
            keys.add("round_to");
        }
        if (method == StructuredMethod.FLAP) {
            keys.add("metric");
            keys.add("bias_compensation");
        }
        if (method == StructuredMethod.TAYLOR) {
            keys.add("taylor");
        }
        return keys;
    }

    /** Every setting of {@code s} in effect but the batch, by key. */
    public static Map<String, Object> toMap(StructuredSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.layers() != 0) {
            m.put("layers", s.layers());
        } else {
            m.put("ratio", s.ratio());
        }
        m.put("units", unitsName(s.units()));
        if (s.method().removesWidth()) {
            m.put("allocation", s.allocation().cliName());
            m.put("round_to", s.roundTo());
        }
        if (s.method() == StructuredMethod.FLAP) {
            m.put("metric", s.metric().name());
            m.put("bias_compensation", s.biasCompensation());
        }
        if (s.method() == StructuredMethod.TAYLOR) {
            m.put("taylor", s.taylor().name().toLowerCase(Locale.ROOT));
        }
        return m;
    }

    /**
     * The settings of {@code method} from {@code values} (missing keys take the method's defaults) with
     * calibration batch {@code batch}; errors name the key as {@code method.<key>}.
     */
    public static StructuredSettings fromMap(StructuredMethod method, Map<String, Object> values, int batch) {
        List<String> keys = keys(method);
        for (String k : values.keySet()) {
            if (!keys.contains(k)) {
                throw new UserError("method." + k + ": " + method.cliName() + " does not take this setting (its settings: "
                        + String.join(", ", keys) + ")");
            }
        }
        try {
            Number ratio = typed(values, "ratio", Number.class, "a number");
            Integer layers = integer(values, "layers");
            String units = typed(values, "units", String.class, "a string");
            String allocation = typed(values, "allocation", String.class, "a string");
            Integer roundTo = integer(values, "round_to");
            String metric = typed(values, "metric", String.class, "a string");
            Boolean bias = typed(values, "bias_compensation", Boolean.class, "true or false");
            String taylor = typed(values, "taylor", String.class, "a string");
            StructuredSettings s = StructuredSettings.defaults(method, ratio == null ? 0 : ratio.doubleValue(),
                    layers == null ? 0 : layers);
            s = s.with(Units.parse(units, method), allocation == null ? s.allocation() : WidthAllocation.parse(allocation),
                    roundTo == null ? 1 : roundTo);
            if (metric != null) {
                s = s.withMetric(FlapMetric.parse(metric));
            }
            if (bias != null) {
                s = s.withBiasCompensation(bias);
            }
            if (taylor != null) {
                s = s.withTaylor(TaylorVariant.parse(taylor));
            }
            return s.withBatch(batch);
        } catch (UserError e) {
            throw new UserError(keyed(e.getMessage()), e);
        }
    }

    /** A message naming flags ({@code --ratio}) with the recipe keys instead ({@code method.ratio}). */
    private static String keyed(String message) {
        String m = message.replace("--batch", "calibration.batch");
        for (Map.Entry<String, String> e : FLAGS.entrySet()) {
            m = m.replace(e.getValue(), "method." + e.getKey());
        }
        return m.replace("--method", "method.name");
    }

    private static <T> T typed(Map<String, Object> values, String key, Class<T> type, String expected) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw new UserError("--" + key.replace('_', '-') + ": expected " + expected + ", got "
                    + (v instanceof String s ? "\"" + s + "\"" : v));
        }
        return type.cast(v);
    }

    private static Integer integer(Map<String, Object> values, String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        return typed(values, key, Integer.class, "an integer");
    }

    /** The {@code --units} text of {@code u}, e.g. {@code kv-groups,neurons}. */
    public static String unitsName(Units u) {
        return switch (u) {
            case Units.Width w -> (w.attention() == null ? "" : w.attention().cliName())
                    + (w.attention() != null && w.neurons() ? "," : "") + (w.neurons() ? "neurons" : "");
            case Units.Depth d -> d.unit().cliName();
        };
    }
}
