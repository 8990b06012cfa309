package org.prune4j.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.prune4j.internal.eval.DecodePerplexity;
import org.prune4j.internal.eval.TokenWindows;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.prune.kv.KvCacheSpec;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/**
 * Optional experiment (not a unit test): perplexity of stories260K against the KV budget for every cache
 * policy, through the decode path, on text files (e.g. the TinyStories sample and WikiText-2 of the shared
 * data folder). Writes a Markdown table, a CSV and a PNG plot per text.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/classpath.txt) org.prune4j.bench.KvBudgetSweep \
 *     docs/experiments WINDOWS SEQLEN NAME=TEXTFILE [NAME=TEXTFILE …]
 * </pre>
 */
public final class KvBudgetSweep {
    static final String[] POLICIES = {"window", "sinks", "h2o", "snapkv", "snapkv:heads=query"};
    static final int[] BUDGETS = {16, 32, 64, 128};

    private KvBudgetSweep() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int windows = Integer.parseInt(args[1]);
        int seqLen = Integer.parseInt(args[2]);
        Files.createDirectories(out.resolve("img"));
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
            LlamaModel model = LlamaModel.load(ckpt, weights);
            Tokenizer tok = Tokenizers.load(ckpt.tokenizer(), ckpt.config().vocabSize());
            StringBuilder md = new StringBuilder();
            StringBuilder csv = new StringBuilder("text,policy,budget,ppl,kv_bytes,tokens_per_s,full_ppl,full_kv_bytes,full_tokens_per_s\n");
            for (int a = 3; a < args.length; a++) {
                String name = args[a].substring(0, args[a].indexOf('='));
                Path file = Path.of(args[a].substring(args[a].indexOf('=') + 1));
                int[] stream = tok.encode(Files.readString(file), true, false);
                int[][] rows = TokenWindows.split(stream, seqLen, windows);
                long start = System.nanoTime();
                List<BiFunction<LlamaModel, Integer, KvCache>> caches = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                caches.add(KvCacheSpec.FULL::create);
                labels.add("full");
                for (String p : POLICIES) {
                    for (int b : BUDGETS) {
                        KvCacheSpec spec = KvCacheSpec.parse(p, b);
                        caches.add(spec::create);
                        labels.add(p + "@" + b);
                    }
                }
                KvCacheSpec mini = KvCacheSpec.parse("minicache", null);
                caches.add(mini::create);
                labels.add("minicache");
                List<DecodePerplexity.Result> results = DecodePerplexity.evaluate(model, rows, caches);
                double seconds = (System.nanoTime() - start) / 1e9;
                DecodePerplexity.Result full = results.get(0);
                md.append(String.format(Locale.ROOT, "### %s (%d windows × %d tokens; full cache: ppl %.4f, %,d KV bytes, "
                        + "%.0f tokens/s; whole sweep %.0f s)%n%n", name, rows.length, seqLen, full.ppl(),
                        full.peakKvBytes(), full.tokensPerSecond(), seconds));
                md.append("| policy |");
                for (int b : BUDGETS) {
                    md.append(" B=").append(b).append(" |");
                }
                md.append("\n|---|").append("---|".repeat(BUDGETS.length)).append('\n');
                Map<String, List<double[]>> series = new LinkedHashMap<>();
                int i = 1;
                for (String p : POLICIES) {
                    md.append("| `").append(p).append("` |");
                    for (int b : BUDGETS) {
                        DecodePerplexity.Result r = results.get(i++);
                        md.append(String.format(Locale.ROOT, " %.3f |", r.ppl()));
                        csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%d,%.1f,%.6f,%d,%.1f%n", name, p.replace(',', ';'),
                                b, r.ppl(), r.peakKvBytes(), r.tokensPerSecond(), full.ppl(), full.peakKvBytes(),
                                full.tokensPerSecond()));
                        series.computeIfAbsent(p, k -> new ArrayList<>()).add(new double[] {b, r.ppl()});
                    }
                    md.append('\n');
                }
                DecodePerplexity.Result m = results.get(i);
                md.append(String.format(Locale.ROOT, "%n`minicache` (merges the KV of block pairs from the middle block on; it takes no "
                        + "per-layer budget, so it is not a curve): ppl %.3f with %,d KV bytes (%.0f%% of the full cache's %,d)%n",
                        m.ppl(), m.peakKvBytes(), 100.0 * m.peakKvBytes() / full.peakKvBytes(), full.peakKvBytes()));
                csv.append(String.format(Locale.ROOT, "%s,minicache,0,%.6f,%d,%.1f,%.6f,%d,%.1f%n", name, m.ppl(), m.peakKvBytes(),
                        m.tokensPerSecond(), full.ppl(), full.peakKvBytes(), full.tokensPerSecond()));
                md.append('\n');
                XyPlot.write(out.resolve("img/kv-budget-" + name + ".png"),
                        "stories260K, " + name + ": perplexity against KV budget", "KV budget (entries per layer)",
                        "perplexity", series, seqLen, full.ppl());
                System.err.printf(Locale.ROOT, "%s done in %.0f s%n", name, seconds);
            }
            Files.writeString(out.resolve("kv-budget.table.md"), md);
            Files.writeString(out.resolve("kv-budget.csv"), csv);
        }
    }
}
