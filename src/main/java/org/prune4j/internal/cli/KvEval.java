package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.prune4j.UserError;
import org.prune4j.internal.eval.DecodePerplexity;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.prune.kv.KvCacheSpec;

/**
 * {@code prune4j eval --kv POLICY --kv-budget B}: perplexity through the decode path with a limited KV cache,
 * its KV memory and decoding speed, next to the full cache in the same run (rows interleaved).
 */
final class KvEval {
    private KvEval() {}

    static int run(LlamaModel model, int[][] rows, KvCacheSpec cache, boolean stream, boolean json, ObjectNode recipe, String modelArg,
            PrintWriter out) {
        int context = model.config().maxPositions();
        if (rows.length == 0 || rows[0].length < 2) {
            throw new UserError("nothing to score: the input has fewer than two tokens");
        }
        int longest = 0;
        for (int[] r : rows) {
            longest = Math.max(longest, r.length);
        }
        boolean fullFits = longest <= context;
        if (!fullFits && !cache.streamsPastContext()) {
            throw new UserError("--stream: " + longest + " tokens run past the model's context of " + context
                    + " positions; only --kv sinks re-assigns positions (or limit the stream with --max-windows and --seqlen)");
        }
        List<BiFunction<LlamaModel, Integer, KvCache>> caches = new ArrayList<>();
        if (fullFits) {
            caches.add(KvCacheSpec.FULL::create);
        }
        caches.add(cache::create);
        List<DecodePerplexity.Result> results = DecodePerplexity.evaluate(model, rows, caches);
        DecodePerplexity.Result full = fullFits ? results.get(0) : null;
        DecodePerplexity.Result r = results.get(results.size() - 1);
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("model", modelArg);
            o.put("kv", cache.text());
            if (cache.policy() != null) {
                o.put("kv_budget", cache.budget());
            }
            o.put("stream", stream);
            o.put("windows", rows.length);
            o.put("tokens", r.predictions());
            o.put("ppl", r.ppl());
            o.put("kv_bytes", r.peakKvBytes());
            o.put("tokens_per_s", r.tokensPerSecond());
            if (full != null) {
                o.put("full_ppl", full.ppl());
                o.put("full_kv_bytes", full.peakKvBytes());
                o.put("full_tokens_per_s", full.tokensPerSecond());
            } else {
                o.putNull("full_ppl");
            }
            if (recipe != null) {
                o.set("recipe", recipe);
            }
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "%d %s of %d tokens, scored through the decode path%n", rows.length,
                    stream ? "stream" : "windows", longest);
            if (full != null) {
                line(out, "full", full);
            } else {
                out.printf(Locale.ROOT, "  %-28s (not possible: the stream runs past the context)%n", "full");
            }
            line(out, cache.text() + (cache.policy() != null ? " B=" + cache.budget() : ""), r);
        }
        out.flush();
        return 0;
    }

    private static void line(PrintWriter out, String name, DecodePerplexity.Result r) {
        out.printf(Locale.ROOT, "  %-28s perplexity %.4f  KV cache %,d bytes  %.1f tokens/s%n", name, r.ppl(),
                r.peakKvBytes(), r.tokensPerSecond());
    }
}
