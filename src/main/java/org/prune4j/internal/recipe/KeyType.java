package org.prune4j.internal.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.model.BundledModels;

/**
 * The type of a recipe key of a command job: how its value is read from a recipe tree (strictly: a wrong
 * type is an error naming the key), written back, taken from a parsed command-line option and turned into
 * the option's arguments again. Values are held as {@link String}, {@link Integer}, {@link Long},
 * {@link Double}, {@link Boolean}, a {@code List<Double>} ({@link #NUMBERS}) or a {@code Map<String, Long>}
 * ({@link #SIZES}), so that equal settings are equal values.
 */
public enum KeyType {
    /** A string. */
    STRING("a string"),
    /** A file or folder; written absolute, so the recipe replays from anywhere. */
    PATH("a string (a path)"),
    /** A bundled model name or a path (made absolute). */
    MODEL("a string (a bundled model name or a path)"),
    /** {@code FILE.safetensors[:TENSOR]}, the file made absolute. */
    IDS("a string (FILE.safetensors[:TENSOR])"),
    /** A 32-bit integer. */
    INT("an integer"),
    /** A 64-bit integer. */
    LONG("an integer"),
    /** A number. */
    NUMBER("a number"),
    /** {@code true} or {@code false}; a command-line switch. */
    BOOL("true or false"),
    /** A list of numbers (a comma-separated option). */
    NUMBERS("a list of numbers"),
    /** A mapping of names to integers (a repeatable {@code NAME=SIZE} option). */
    SIZES("a mapping of names to integers"),
    /** A repeated option of models ({@code --model A --model B}): a list of bundled names or paths. */
    MODELS("a list of strings (bundled model names or paths)"),
    /** A comma-separated list of integers ({@code --batch 1,64}). */
    INTS("a list of integers");

    private final String expected;

    KeyType(String expected) {
        this.expected = expected;
    }

    /** The value of {@code v} in a recipe tree; {@code key} names it in the error. */
    Object read(JsonNode v, String key) {
        return switch (this) {
            case STRING, PATH, MODEL, IDS -> {
                if (!v.isTextual()) {
                    throw wrong(key, v);
                }
                yield v.textValue();
            }
            case INT -> {
                if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                    throw wrong(key, v);
                }
                yield v.intValue();
            }
            case LONG -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw wrong(key, v);
                }
                yield v.longValue();
            }
            case NUMBER -> {
                if (!v.isNumber()) {
                    throw wrong(key, v);
                }
                yield v.doubleValue();
            }
            case BOOL -> {
                if (!v.isBoolean()) {
                    throw wrong(key, v);
                }
                yield v.booleanValue();
            }
            case NUMBERS -> {
                if (!v.isArray()) {
                    throw wrong(key, v);
                }
                List<Double> out = new ArrayList<>();
                for (JsonNode e : v) {
                    if (!e.isNumber()) {
                        throw wrong(key, v);
                    }
                    out.add(e.doubleValue());
                }
                yield List.copyOf(out);
            }
            case MODELS -> {
                if (!v.isArray() || v.isEmpty()) {
                    throw wrong(key, v);
                }
                List<String> out = new ArrayList<>();
                for (JsonNode e : v) {
                    if (!e.isTextual()) {
                        throw wrong(key, v);
                    }
                    out.add(e.textValue());
                }
                yield List.copyOf(out);
            }
            case INTS -> {
                if (!v.isArray()) {
                    throw wrong(key, v);
                }
                List<Integer> out = new ArrayList<>();
                for (JsonNode e : v) {
                    if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                        throw wrong(key, v);
                    }
                    out.add(e.intValue());
                }
                yield List.copyOf(out);
            }
            case SIZES -> {
                if (!v.isObject()) {
                    throw wrong(key, v);
                }
                Map<String, Long> out = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
                        throw new UserError(key + "." + e.getKey() + ": expected an integer, got " + shown(e.getValue()));
                    }
                    out.put(e.getKey(), e.getValue().longValue());
                }
                yield java.util.Collections.unmodifiableMap(out);
            }
        };
    }

    /** {@code value} given in Java (a recipe built in code) as this type's value; an error names {@code key}. */
    Object check(Object value, String key) {
        return read(write(JsonNodeFactory.instance, value, key), key);
    }

    /** The value as a tree node. */
    JsonNode write(JsonNodeFactory f, Object value) {
        return write(f, value, "?");
    }

    private JsonNode write(JsonNodeFactory f, Object value, String key) {
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof Integer i) {
            return f.numberNode(i);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Float x) {
            return f.numberNode(Double.parseDouble(Float.toString(x)));
        }
        if (value instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof List<?> list) {
            ArrayNode a = f.arrayNode();
            list.forEach(e -> a.add(write(f, e, key)));
            return a;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode o = f.objectNode();
            map.forEach((k, v) -> o.set(String.valueOf(k), write(f, v, key)));
            return o;
        }
        throw new UserError(key + ": expected " + expected + ", got " + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    /** The recipe value of a parsed command-line option's value (paths made absolute), or null when unset. */
    public Object fromOption(Object v) {
        if (v == null) {
            return this == BOOL ? Boolean.FALSE : null; // an unset switch is off
        }
        Object plain = switch (v) {
            case Path p -> p.toString();
            case Float x -> Double.parseDouble(Float.toString(x));
            case double[] d -> java.util.Arrays.stream(d).boxed().toList();
            default -> v;
        };
        if (plain instanceof String s && this != STRING) {
            plain = absolute(s);
        }
        if (this == MODELS && plain instanceof List<?> list) {
            plain = list.stream().map(e -> MODEL.absolute(String.valueOf(e))).toList();
        }
        return check(plain, "option");
    }

    /** The command-line arguments giving {@code flag} this value ({@code false} switches give none). */
    public List<String> arguments(String flag, Object value) {
        return switch (this) {
            case BOOL -> (Boolean) value ? List.of(flag) : List.of();
            case NUMBERS, INTS -> List.of(flag, String.join(",", ((List<?>) value).stream().map(String::valueOf).toList()));
            case MODELS -> {
                List<String> out = new ArrayList<>();
                for (Object m : (List<?>) value) {
                    out.add(flag);
                    out.add(String.valueOf(m));
                }
                yield out;
            }
            case SIZES -> {
                List<String> out = new ArrayList<>();
                ((Map<?, ?>) value).forEach((k, v) -> {
                    out.add(flag);
                    out.add(k + "=" + v);
                });
                yield out;
            }
            default -> List.of(flag, String.valueOf(value));
        };
    }

    private String absolute(String s) {
        return switch (this) {
            case PATH -> Path.of(s).toAbsolutePath().normalize().toString();
            case MODEL -> BundledModels.isBundled(s) ? s : Path.of(s).toAbsolutePath().normalize().toString();
            case IDS -> {
                IdsFileSpec ids = IdsFileSpec.parse(s);
                yield new IdsFileSpec(ids.file().toAbsolutePath().normalize(), ids.tensor()).toString();
            }
            default -> s;
        };
    }

    private UserError wrong(String key, JsonNode got) {
        return new UserError(key + ": expected " + expected + ", got " + shown(got));
    }

    private static String shown(JsonNode v) {
        String s = v.isContainerNode() ? (v.isArray() ? "a list" : "a mapping") : v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
