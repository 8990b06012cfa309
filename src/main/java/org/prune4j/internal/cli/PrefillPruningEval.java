package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import org.prune4j.UserError;
import org.prune4j.internal.eval.PrefillPruningPerplexity;
import org.prune4j.internal.model.llama.LlamaModel;

/** {@code prune4j eval --prefill-keep …}: SpAtten-style prefill token pruning against an unpruned prefill. */
final class PrefillPruningEval {
    private PrefillPruningEval() {}

    static int run(LlamaModel model, int[][] rows, double[] keepOption, Integer promptOption, boolean json, ObjectNode recipe,
            String modelArg, PrintWriter out) {
        int blocks = model.blocks().size();
        if (keepOption.length != 1 && keepOption.length != blocks) {
            throw new UserError("--prefill-keep: give one share or one per block (" + blocks + "), not " + keepOption.length);
        }
        for (double k : keepOption) {
            if (!(k > 0 && k <= 1)) {
                throw new UserError("--prefill-keep " + k + ": a share must be in (0, 1]");
            }
        }
        double[] keep = keepOption.length == 1 ? filled(blocks, keepOption[0]) : keepOption.clone();
        if (rows.length == 0) {
            throw new UserError("nothing to score: no windows");
        }
        int len = rows[0].length;
        int prompt = promptOption != null ? promptOption : len / 2;
        if (prompt < 1 || prompt >= len) {
            throw new UserError("--prompt-tokens " + prompt + ": must be between 1 and the window length minus one ("
                    + (len - 1) + ")");
        }
        PrefillPruningPerplexity.Result[] r = PrefillPruningPerplexity.evaluate(model, rows, prompt, keep);
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("model", modelArg);
            ArrayNode k = o.putArray("prefill_keep");
            Arrays.stream(keep).forEach(k::add);
            o.put("windows", rows.length);
            o.put("prompt_tokens", prompt);
            o.put("continuation_tokens", len - prompt);
            o.put("ppl", r[1].ppl());
            o.put("dense_ppl", r[0].ppl());
            o.put("prefill_tokens_per_s", r[1].prefillTokensPerSecond());
            o.put("dense_prefill_tokens_per_s", r[0].prefillTokensPerSecond());
            ArrayNode t = o.putArray("tokens_per_block");
            Arrays.stream(r[1].tokensPerBlock()).forEach(t::add);
            if (recipe != null) {
                o.set("recipe", recipe);
            }
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "%d windows: %d prompt tokens, %d continuation tokens%n", rows.length, prompt, len - prompt);
            out.printf(Locale.ROOT, "  %-10s continuation perplexity %.4f  prefill %.1f tokens/s%n", "unpruned", r[0].ppl(),
                    r[0].prefillTokensPerSecond());
            out.printf(Locale.ROOT, "  %-10s continuation perplexity %.4f  prefill %.1f tokens/s  tokens per block %s%n",
                    "pruned", r[1].ppl(), r[1].prefillTokensPerSecond(), Arrays.toString(r[1].tokensPerBlock()));
        }
        out.flush();
        return 0;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
