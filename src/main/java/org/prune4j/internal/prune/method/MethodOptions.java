package org.prune4j.internal.prune.method;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.prune4j.UserError;

/**
 * The settings a user gave for a method, by name ({@code blocksize → 128}), as read from the command
 * line or a recipe; each method reads its own with typed getters and rejects the others.
 *
 * @param method the method they are for (named in error messages)
 * @param values setting name to value ({@link Number}, {@link String} or {@link Boolean})
 */
public record MethodOptions(String method, Map<String, Object> values) {
    public MethodOptions {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No settings: every method's defaults. */
    public static MethodOptions none(String method) {
        return new MethodOptions(method, Map.of());
    }

    /** A copy with one more setting. */
    public MethodOptions with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new MethodOptions(method, m);
    }

    /** Rejects settings other than {@code known} with a one-line error naming them. */
    public void allowOnly(Set<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new UserError("--method " + method + ": does not take " + String.join(", ", unknown)
                    + (known.isEmpty() ? " (it has no settings)" : " (its settings: " + String.join(", ", new TreeSet<>(known)) + ")"));
        }
    }

    /** An integer setting, or {@code fallback} when absent. */
    public int intValue(String key, int fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return Math.toIntExact(((Number) v).longValue());
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new UserError(method + " setting " + key + ": expected an integer, got '" + v + "'");
        }
    }

    /** A number setting, or {@code fallback} when absent. */
    public double doubleValue(String key, double fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new UserError(method + " setting " + key + ": expected a number, got '" + v + "'");
        }
    }

    /** A text setting, or {@code fallback} when absent. */
    public String stringValue(String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : v.toString();
    }
}
