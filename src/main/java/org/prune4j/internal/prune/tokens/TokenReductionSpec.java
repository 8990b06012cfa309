package org.prune4j.internal.prune.tokens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.model.vision.TokenReduction;

/**
 * Parses the {@code --tokens} option of {@code prune4j eval}: {@code METHOD:key=value,key=value}.
 *
 * <ul>
 *   <li>{@code tome:r=R[,inflect=F][,prop=true|false]}: {@link TokenMerging}, R tokens merged per layer
 *       (at most half of the first layer's non-class tokens), optional linear ramp (inflection in [-1, 1]),
 *       proportional attention on by default.
 *   <li>{@code evit:keep=K[,layers=L1,L2,…][,fuse=true|false]}: {@link AttentiveTokenKeeping}, K in (0, 1],
 *       layers 0-based (default: the layers at 1/3 and 2/3 of the depth, e.g. 2,4 of 6), fuse off by default.
 *   <li>{@code zerotprune:keep=K[,layers=…][,iters=N]}: {@link AttentionGraphPruning}, N PageRank
 *       iterations (default 10).
 * </ul>
 * A list value ({@code layers}) takes the bare numbers that follow it.
 */
public final class TokenReductionSpec {
    /** Default PageRank iterations of {@code zerotprune}. */
    public static final int DEFAULT_ITERATIONS = 10;

    private TokenReductionSpec() {}

    /**
     * Parses {@code text} for a transformer with {@code depth} encoder layers and {@code tokens} tokens
     * (class token included) at its first layer.
     */
    public static TokenReduction parse(String text, int depth, int tokens) {
        int colon = text.indexOf(':');
        String method = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, List<String>> options = options(text, colon < 0 ? "" : text.substring(colon + 1));
        return switch (method) {
            case "tome" -> {
                allow(text, options, Set.of("r", "inflect", "prop"));
                int r = integer(text, options, "r", null);
                int max = BipartiteSoftMatching.maxMerged(tokens, true);
                if (r < 1 || r > max) {
                    throw new UserError("--tokens " + text + ": r=" + r + " must be between 1 and " + max
                            + " (half of the " + (tokens - 1) + " patch tokens)");
                }
                double inflect = number(text, options, "inflect", 0.0);
                if (inflect < -1 || inflect > 1) {
                    throw new UserError("--tokens " + text + ": inflect=" + inflect + " must be in [-1, 1]");
                }
                yield new TokenMerging(TokenMerging.schedule(depth, r, inflect), bool(text, options, "prop", true));
            }
            case "evit" -> {
                allow(text, options, Set.of("keep", "layers", "fuse"));
                yield new AttentiveTokenKeeping(keep(text, options), layers(text, options, depth),
                        bool(text, options, "fuse", false));
            }
            case "zerotprune" -> {
                allow(text, options, Set.of("keep", "layers", "iters"));
                int iters = integer(text, options, "iters", DEFAULT_ITERATIONS);
                if (iters < 1) {
                    throw new UserError("--tokens " + text + ": iters=" + iters + " must be at least 1");
                }
                yield new AttentionGraphPruning(keep(text, options), layers(text, options, depth), iters);
            }
            default -> throw new UserError("--tokens " + text + ": unknown method '" + method
                    + "' (use tome, evit or zerotprune)");
        };
    }

    private static Map<String, List<String>> options(String text, String body) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        String key = null;
        for (String part : body.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                if (body.isBlank()) {
                    break;
                }
                throw new UserError("--tokens " + text + ": empty option");
            }
            int eq = p.indexOf('=');
            if (eq >= 0) {
                key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (options.containsKey(key)) {
                    throw new UserError("--tokens " + text + ": option " + key + " given twice");
                }
                List<String> values = new ArrayList<>();
                values.add(p.substring(eq + 1).trim());
                options.put(key, values);
            } else if (key != null && key.equals("layers")) {
                options.get(key).add(p);
            } else {
                throw new UserError("--tokens " + text + ": '" + p + "' is not key=value");
            }
        }
        return options;
    }

    private static void allow(String text, Map<String, List<String>> options, Set<String> allowed) {
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new UserError("--tokens " + text + ": this method takes no option '" + key + "' (it takes "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String single(String text, Map<String, List<String>> options, String key) {
        List<String> values = options.get(key);
        if (values == null) {
            return null;
        }
        if (values.size() != 1) {
            throw new UserError("--tokens " + text + ": " + key + " takes one value");
        }
        return values.get(0);
    }

    private static int integer(String text, Map<String, List<String>> options, String key, Integer fallback) {
        String v = single(text, options, key);
        if (v == null) {
            if (fallback == null) {
                throw new UserError("--tokens " + text + ": " + key + "= is required");
            }
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError("--tokens " + text + ": " + key + "=" + v + " is not an integer");
        }
    }

    private static double number(String text, Map<String, List<String>> options, String key, double fallback) {
        String v = single(text, options, key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UserError("--tokens " + text + ": " + key + "=" + v + " is not a number");
        }
    }

    private static boolean bool(String text, Map<String, List<String>> options, String key, boolean fallback) {
        String v = single(text, options, key);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new UserError("--tokens " + text + ": " + key + "=" + v + " is not true or false");
        };
    }

    private static double keep(String text, Map<String, List<String>> options) {
        if (!options.containsKey("keep")) {
            throw new UserError("--tokens " + text + ": keep= is required");
        }
        double keep = number(text, options, "keep", 1.0);
        if (!(keep > 0 && keep <= 1)) {
            throw new UserError("--tokens " + text + ": keep=" + keep + " must be in (0, 1]");
        }
        return keep;
    }

    private static int[] layers(String text, Map<String, List<String>> options, int depth) {
        List<String> values = options.get("layers");
        if (values == null) {
            return depth >= 3 ? new int[] {depth / 3, 2 * depth / 3} : new int[] {0};
        }
        int[] layers = new int[values.size()];
        for (int i = 0; i < layers.length; i++) {
            try {
                layers[i] = Integer.parseInt(values.get(i));
            } catch (NumberFormatException e) {
                throw new UserError("--tokens " + text + ": layers value '" + values.get(i) + "' is not an integer");
            }
            if (layers[i] < 0 || layers[i] >= depth) {
                throw new UserError("--tokens " + text + ": layer " + layers[i] + " does not exist (the model has "
                        + depth + " encoder layers, 0.." + (depth - 1) + ")");
            }
        }
        return layers;
    }
}
