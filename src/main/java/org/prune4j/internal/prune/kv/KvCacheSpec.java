package org.prune4j.internal.prune.kv;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.KvPolicy;
import org.prune4j.internal.model.llama.LlamaModel;

/**
 * A KV-cache setting of {@code eval}/{@code generate}: {@code --kv POLICY[:key=value,…]} and {@code
 * --kv-budget B} (entries per layer, the current token included).
 *
 * <ul>
 *   <li>{@code full}: every position (no budget);
 *   <li>{@code window}: the most recent B;
 *   <li>{@code sinks[:sinks=4]}: StreamingLLM, the first tokens plus the most recent, re-positioned in the cache;
 *   <li>{@code h2o[:recent=0.5]}: heavy hitters plus the most recent (share of the kept entries);
 *   <li>{@code snapkv[:window=32,kernel=5,pool=avg|max,heads=kv|query]}: SnapKV;
 *   <li>{@code minicache[:start=L,t=0.6,retain=0.05]}: cross-layer merging from block L (default: the middle
 *       block) in pairs, no budget ({@link MiniCacheMerge}).
 * </ul>
 *
 * @param policy the eviction policy, or {@code null} for the full cache
 * @param budget entries per layer (0 for the full cache and minicache)
 * @param depthMerge minicache's settings, or {@code null}
 * @param text the option as given
 */
public record KvCacheSpec(KvPolicy policy, int budget, DepthMerge depthMerge, String text) {
    /** The full cache. */
    public static final KvCacheSpec FULL = new KvCacheSpec(null, 0, null, "full");

    /**
     * Settings of {@code minicache}.
     *
     * @param start first block of the first merged pair (-1: the middle block)
     * @param t SLERP interpolation
     * @param retain share of positions retained unmerged
     */
    public record DepthMerge(int start, double t, double retain) {}

    /** Parses {@code --kv text} with {@code --kv-budget budget} (null when not given). */
    public static KvCacheSpec parse(String text, Integer budget) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> options = options(text, colon < 0 ? "" : text.substring(colon + 1));
        if (name.equals("full")) {
            allow(text, options, Set.of());
            if (budget != null) {
                throw new UserError("--kv-budget " + budget + ": the full cache takes no budget");
            }
            return FULL;
        }
        if (name.equals("minicache")) {
            allow(text, options, Set.of("start", "t", "retain"));
            if (budget != null) {
                throw new UserError("--kv-budget " + budget + ": minicache merges across layers and takes no budget");
            }
            int start = integer(text, options, "start", -1);
            double t = number(text, options, "t", MiniCacheMerge.DEFAULT_T);
            double retain = number(text, options, "retain", MiniCacheMerge.DEFAULT_RETAIN);
            if (start < -1 || t < 0 || t > 1 || retain < 0 || retain > 1) {
                throw new UserError("--kv " + text + ": start must be ≥ 0, t and retain in [0, 1]");
            }
            return new KvCacheSpec(null, 0, new DepthMerge(start, t, retain), text);
        }
        if (budget == null) {
            throw new UserError("--kv " + text + " needs --kv-budget B (entries per layer)");
        }
        if (budget < 1) {
            throw new UserError("--kv-budget " + budget + ": must be at least 1");
        }
        KvPolicy policy = switch (name) {
            case "window" -> {
                allow(text, options, Set.of());
                yield new SlidingWindow();
            }
            case "sinks" -> {
                allow(text, options, Set.of("sinks"));
                int sinks = integer(text, options, "sinks", AttentionSinks.DEFAULT_SINKS);
                if (sinks < 0) {
                    throw new UserError("--kv " + text + ": sinks=" + sinks + " must be ≥ 0");
                }
                if (budget < sinks + 1) {
                    throw new UserError("--kv-budget " + budget + " is smaller than the " + sinks
                            + " sink tokens plus one");
                }
                yield new AttentionSinks(sinks);
            }
            case "h2o" -> {
                allow(text, options, Set.of("recent"));
                double recent = number(text, options, "recent", 0.5);
                if (recent < 0 || recent > 1) {
                    throw new UserError("--kv " + text + ": recent=" + recent + " must be in [0, 1]");
                }
                yield new HeavyHitters(recent);
            }
            case "snapkv" -> {
                allow(text, options, Set.of("window", "kernel", "pool", "heads"));
                int window = integer(text, options, "window", SnapKv.DEFAULT_WINDOW);
                int kernel = integer(text, options, "kernel", SnapKv.DEFAULT_KERNEL);
                if (window < 1 || kernel < 1) {
                    throw new UserError("--kv " + text + ": window and kernel must be at least 1");
                }
                String pool = options.getOrDefault("pool", "avg");
                if (!pool.equals("avg") && !pool.equals("max")) {
                    throw new UserError("--kv " + text + ": pool=" + pool + " must be avg or max");
                }
                String heads = options.getOrDefault("heads", "kv");
                if (!heads.equals("kv") && !heads.equals("query")) {
                    throw new UserError("--kv " + text + ": heads=" + heads + " must be kv or query");
                }
                yield new SnapKv(window, kernel, pool.equals("max"), heads.equals("query"));
            }
            default -> throw new UserError("--kv " + text + ": unknown policy '" + name
                    + "' (use full, window, sinks, h2o, snapkv or minicache)");
        };
        return new KvCacheSpec(policy, budget, null, text);
    }

    /** A fresh cache of this setting for a sequence of {@code positions} positions. */
    public KvCache create(LlamaModel model, int positions) {
        if (depthMerge != null) {
            int layers = model.blocks().size();
            int start = depthMerge.start() < 0 ? layers / 2 : depthMerge.start();
            if (start >= layers - 1) {
                throw new UserError("--kv " + text + ": start=" + start + " leaves no pair of blocks to merge in "
                        + layers + " blocks");
            }
            return KvCache.create(model, positions, MiniCacheMerge.of(start, depthMerge.t(), depthMerge.retain()));
        }
        return policy == null ? KvCache.create(model, positions) : KvCache.create(model, positions, policy, budget);
    }

    /** Whether positions past the model's context can be decoded (the cache re-assigns positions). */
    public boolean streamsPastContext() {
        return policy != null && policy.rotatesBySlot();
    }

    private static Map<String, String> options(String text, String body) {
        Map<String, String> options = new LinkedHashMap<>();
        if (body.isBlank()) {
            return options;
        }
        for (String part : body.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--kv " + text + ": '" + part + "' is not key=value");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (options.put(key, part.substring(eq + 1).trim().toLowerCase(Locale.ROOT)) != null) {
                throw new UserError("--kv " + text + ": option " + key + " given twice");
            }
        }
        return options;
    }

    private static void allow(String text, Map<String, String> options, Set<String> allowed) {
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new UserError("--kv " + text + ": this policy takes no option '" + key + "'"
                        + (allowed.isEmpty() ? "" : " (it takes " + String.join(", ", allowed.stream().sorted().toList()) + ")"));
            }
        }
    }

    private static int integer(String text, Map<String, String> options, String key, int fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError("--kv " + text + ": " + key + "=" + v + " is not an integer");
        }
    }

    private static double number(String text, Map<String, String> options, String key, double fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserError("--kv " + text + ": " + key + "=" + v + " is not a number");
        }
    }
}
