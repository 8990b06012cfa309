package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prune4j.internal.generate.Generation;
import org.prune4j.internal.generate.Generator;
import org.prune4j.internal.prune.kv.KvCacheSpec;
import org.prune4j.internal.generate.Sampler;
import org.prune4j.internal.generate.TextStream;
import org.prune4j.internal.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j generate}: text from a Llama-family model, like llama2.c's {@code run}: {@code --steps}
 * counts every position (BOS and prompt included), the prompt is printed as it is fed, generation stops
 * early if the model produces BOS.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a language model (llama2.c run semantics).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model: a bundled name (stories260K), a llama2.c file or a Hugging Face directory.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "PATH", description = "Tokenizer (default: the one beside the model).")
    Path tokenizer;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "", description = "Prompt (default: none, start from BOS).")
    String prompt;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "256",
            description = "Positions to run, BOS and prompt included; 0 = the whole context (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "0 = greedy; otherwise softmax sampling at this temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.9",
            description = "Nucleus sampling threshold when sampling; 0 or 1 = off (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the sampler's xorshift generator, not 0 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kv", paramLabel = "POLICY", defaultValue = "full",
            description = "KV cache: full | window | sinks[:sinks=4] | h2o[:recent=0.5] |"
                    + " snapkv[:window=32,kernel=5,pool=avg|max,heads=kv|query] | minicache[:start=L,t=0.6,retain=0.05] (default: ${DEFAULT-VALUE}).")
    String kv;

    @Option(names = "--kv-budget", paramLabel = "B",
            description = "With a --kv eviction policy (window, sinks, h2o, snapkv): entries per layer, the current token included.")
    Integer kvBudget;

    @Option(names = "--json", description = "Print one JSON object (text, ids, speed, the recipe) instead of streaming the text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() {
        if (recipe.printed(spec, "generate")) {
            return 0;
        }
        Sampler sampler = Sampler.of(temperature, topP, seed);
        KvCacheSpec cache = KvCacheSpec.parse(kv, kvBudget);
        PrintWriter out = spec.commandLine().getOut();
        try (LlamaRuntime rt = LlamaRuntime.open(model, tokenizer)) {
            Tokenizer tok = rt.tokenizer();
            int[] promptIds = tok.encode(prompt, true, false);
            TextStream text = new TextStream(tok, json ? null : piece -> {
                out.print(piece);
                out.flush();
            });
            Generation g = new Generator(rt.model()).withCache(cache::create).generate(promptIds, steps, sampler, text);
            text.finish();
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("model", model);
                o.put("prompt", prompt);
                o.put("text", text.text());
                ArrayNode ids = o.putArray("tokens");
                for (int id : g.tokens()) {
                    ids.add(id);
                }
                o.put("prompt_tokens", g.promptLength());
                o.put("generated_tokens", g.generated().length);
                o.put("positions", g.positions());
                o.put("stopped_at_bos", g.stoppedAtBos());
                o.put("seconds", g.seconds());
                o.put("tokens_per_second", g.tokensPerSecond());
                o.put("kv", cache.text());
                if (cache.policy() != null) {
                    o.put("kv_budget", cache.budget());
                }
                o.set("recipe", RecipeOption.tree(spec, "generate"));
                out.println(o.toString());
            } else {
                out.println();
                spec.commandLine().getErr().printf(Locale.ROOT, "achieved tok/s: %.1f (%d positions in %.2f s)%n",
                        g.tokensPerSecond(), g.positions(), g.seconds());
            }
            out.flush();
        }
        return 0;
    }
}
