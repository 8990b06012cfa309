package org.prune4j.internal.cli;

import org.prune4j.internal.nn.ConvKernels;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.prune4j.UserError;
import org.prune4j.internal.benchmark.BenchSettings;
import org.prune4j.internal.benchmark.LlmBenchResult;
import org.prune4j.internal.benchmark.LlmBenchmark;
import org.prune4j.internal.benchmark.ModelFacts;
import org.prune4j.internal.benchmark.OrtLlmRunner;
import org.prune4j.internal.benchmark.OrtVisionRunner;
import org.prune4j.internal.benchmark.Timing;
import org.prune4j.internal.benchmark.VisionBenchResult;
import org.prune4j.internal.benchmark.VisionBenchmark;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j bench}: measured inference speed of one or more models, interleaved in one run, with
 * parameters, MACs and file size beside each and ratios to the first model. Language models: prefill
 * and decode tokens per second; vision models ({@code --arch}): images per second per batch size. With
 * {@code --runtime onnxruntime} the same measurements run in ONNX Runtime on each model's ONNX export.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure inference speed of models (the first is the baseline), interleaved in one run.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model to measure (repeat to compare; ratios are to the first): a language model, or a vision checkpoint with --arch.")
    List<String> models;

    @Option(names = "--arch", paramLabel = "NAME", description = "Vision architecture of the checkpoints (e.g. resnet20); without it the models are language models.")
    String arch;

    @Option(names = "--prefill", defaultValue = "512", paramLabel = "N", description = "Prompt tokens per prefill (shortened to fit the context with --decode). Default: ${DEFAULT-VALUE}.")
    int prefill;

    @Option(names = "--decode", defaultValue = "128", paramLabel = "N", description = "Tokens generated one at a time after the prefill. Default: ${DEFAULT-VALUE}.")
    int decode;

    @Option(names = "--batch", defaultValue = "1,64", split = ",", paramLabel = "B", description = "Vision batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "Timed rounds (each runs every model once). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Untimed rounds first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the random inputs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--runtime", defaultValue = "prune4j", paramLabel = "NAME", description = "prune4j (default) or onnxruntime (each model exported to a temporary ONNX file, deleted afterwards; language models decode through the KV-cache export); llama.cpp is not supported yet.")
    String runtime;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Compute threads (0 = the engine's default).")
    int threads;

    @Option(names = "--json", description = "Print one JSON object with every measurement.")
    boolean json;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() throws IOException {
        if (recipe.printed(spec, "bench")) {
            return 0;
        }
        String rt = runtime.toLowerCase(Locale.ROOT);
        if (rt.equals("llama.cpp")) {
            throw new UserError("--runtime " + runtime + ": not supported yet: the CLI measures prune4j's runtime and onnxruntime"
                    + " (export with 'prune4j convert --to gguf' and measure in llama.cpp)");
        }
        if (!rt.equals("prune4j") && !rt.equals("onnxruntime")) {
            throw new UserError("--runtime " + runtime + ": unknown runtime (expected prune4j, llama.cpp or onnxruntime)");
        }
        EngineThreads.set(threads);
        BenchSettings s = new BenchSettings(prefill, decode, batches, warmup, runs, seed);
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("runtime", rt);
        o.put("runs", runs);
        o.put("warmup", warmup);
        o.put("seed", seed);
        o.put("threads", threads);
        List<AutoCloseable> runners = new ArrayList<>();
        try (NDManager weights = NDManager.newBaseManager()) {
            if (arch == null) {
                benchLlms(s, weights, rt.equals("onnxruntime"), runners, o, err);
            } else {
                benchVision(s, weights, rt.equals("onnxruntime"), runners, o, err);
            }
        } finally {
            for (AutoCloseable r : runners) {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (json) {
            o.set("recipe", RecipeOption.tree(spec, "bench"));
            spec.commandLine().getOut().println(o.toString());
        } else {
            printTable(o, spec.commandLine().getOut());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private void benchLlms(BenchSettings s, NDManager weights, boolean ort, List<AutoCloseable> runners, ObjectNode o, PrintWriter err) {
        List<LlmBenchmark.Subject> subjects = new ArrayList<>();
        for (String m : models) {
            LlamaCheckpoint ckpt = ModelLocator.loadLlama(m, null);
            LlamaModel model = LlamaModel.load(ckpt, weights);
            if (ort) {
                OrtLlmRunner runner = new OrtLlmRunner(ckpt, m, threads);
                runners.add(runner);
                subjects.add(new LlmBenchmark.Subject(m, model, sizeOf(ckpt.source()), runner));
            } else {
                subjects.add(new LlmBenchmark.Subject(m, model, sizeOf(ckpt.source())));
            }
        }
        int used = LlmBenchmark.effectivePrefill(subjects, s);
        if (used != s.prefill()) {
            err.println("prune4j: note: --prefill " + s.prefill() + " shortened to " + used + " to fit the context with --decode " + s.decode());
        }
        List<LlmBenchResult> results = LlmBenchmark.run(subjects, s, round -> err.println("bench: round " + round + "/" + s.runs()));
        o.put("kind", "language-model");
        o.put("prefill", used);
        o.put("decode", s.decode());
        ArrayNode arr = o.putArray("models");
        LlmBenchResult first = results.get(0);
        for (LlmBenchResult r : results) {
            ObjectNode m = arr.addObject();
            m.put("model", r.model());
            facts(m, r.facts(), "macs_per_token");
            timing(m.putObject("prefill_tokens_per_second"), r.prefill());
            timing(m.putObject("decode_tokens_per_second"), r.decode());
            ObjectNode ratios = m.putObject("ratios");
            ratios.put("prefill_speed", r.prefill().median() / first.prefill().median());
            ratios.put("decode_speed", r.decode().median() / first.decode().median());
            factRatios(ratios, r.facts(), first.facts());
        }
    }

    private void benchVision(BenchSettings s, NDManager weights, boolean ort, List<AutoCloseable> runners, ObjectNode o, PrintWriter err) {
        List<VisionBenchmark.Subject> subjects = new ArrayList<>();
        for (String m : models) {
            Path p = Path.of(m);
            if (!Files.isRegularFile(p)) {
                throw new UserError("--model " + m + ": no such checkpoint file");
            }
            VisionModel model = VisionModels.load(arch, p, weights);
            if (ort) {
                OrtVisionRunner runner = new OrtVisionRunner(model, m, threads);
                runners.add(runner);
                subjects.add(new VisionBenchmark.Subject(m, model, sizeOf(p), runner));
            } else {
                subjects.add(new VisionBenchmark.Subject(m, model, sizeOf(p)));
            }
        }
        List<VisionBenchResult> results = VisionBenchmark.run(subjects, s, round -> err.println("bench: round " + round + "/" + s.runs()));
        o.put("kind", "vision");
        o.put("arch", arch);
        o.put("conv_kernels", ConvKernels.mode().label());
        ArrayNode arr = o.putArray("models");
        VisionBenchResult first = results.get(0);
        for (VisionBenchResult r : results) {
            ObjectNode m = arr.addObject();
            m.put("model", r.model());
            facts(m, r.facts(), "macs_per_image");
            ArrayNode per = m.putArray("batches");
            ObjectNode ratios = m.putObject("ratios");
            for (Map.Entry<Integer, Timing> e : r.imagesPerSecond().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                ObjectNode b = per.addObject();
                b.put("batch", e.getKey());
                timing(b.putObject("images_per_second"), e.getValue());
                b.put("latency_ms_median", 1000.0 * e.getKey() / e.getValue().median());
                ratios.put("speed_batch_" + e.getKey(), e.getValue().median() / first.imagesPerSecond().get(e.getKey()).median());
            }
            factRatios(ratios, r.facts(), first.facts());
        }
    }

    private static void facts(ObjectNode m, ModelFacts f, String macsKey) {
        m.put("parameters", f.parameters());
        m.put("nonzero_parameters", f.nonzeroParameters());
        m.put(macsKey, f.macs());
        m.put("file_bytes", f.fileBytes());
    }

    private static void factRatios(ObjectNode ratios, ModelFacts f, ModelFacts first) {
        ratios.put("parameters", (double) f.parameters() / first.parameters());
        ratios.put("nonzero_parameters", (double) f.nonzeroParameters() / first.nonzeroParameters());
        ratios.put("macs", (double) f.macs() / first.macs());
        ratios.put("file_bytes", first.fileBytes() == 0 ? 0 : (double) f.fileBytes() / first.fileBytes());
    }

    private static void timing(ObjectNode t, Timing x) {
        t.put("median", x.median());
        t.put("min", x.min());
        t.put("max", x.max());
        t.put("relative_spread", x.relativeSpread());
        ArrayNode samples = t.putArray("samples");
        for (double v : x.samples()) {
            samples.add(v);
        }
    }

    private static void printTable(ObjectNode o, PrintWriter out) {
        boolean llm = o.get("kind").asText().equals("language-model");
        if (llm) {
            out.printf(Locale.ROOT, "%s runtime, prefill %d tokens, decode %d tokens, %d runs (median, spread = (max-min)/median)%n",
                    o.get("runtime").asText(), o.get("prefill").asInt(), o.get("decode").asInt(), o.get("runs").asInt());
            out.printf(Locale.ROOT, "%-40s %12s %12s %14s %12s %16s %16s %8s %8s%n", "model", "params", "nonzero", "MACs/token",
                    "file bytes", "prefill tok/s", "decode tok/s", "x pre", "x dec");
        } else {
            out.printf(Locale.ROOT, "%s runtime, %s, %d runs (median, spread = (max-min)/median)%n", o.get("runtime").asText(), o.get("arch").asText(), o.get("runs").asInt());
        }
        for (var m : o.get("models")) {
            if (llm) {
                var p = m.get("prefill_tokens_per_second");
                var d = m.get("decode_tokens_per_second");
                out.printf(Locale.ROOT, "%-40s %12d %12d %14d %12d %9.1f ±%3.0f%% %9.1f ±%3.0f%% %8.2f %8.2f%n", m.get("model").asText(),
                        m.get("parameters").asLong(), m.get("nonzero_parameters").asLong(), m.get("macs_per_token").asLong(),
                        m.get("file_bytes").asLong(), p.get("median").asDouble(), 100 * p.get("relative_spread").asDouble(),
                        d.get("median").asDouble(), 100 * d.get("relative_spread").asDouble(),
                        m.get("ratios").get("prefill_speed").asDouble(), m.get("ratios").get("decode_speed").asDouble());
            } else {
                out.printf(Locale.ROOT, "%s: params %d (nonzero %d), MACs/image %d, file %d bytes%n", m.get("model").asText(),
                        m.get("parameters").asLong(), m.get("nonzero_parameters").asLong(), m.get("macs_per_image").asLong(),
                        m.get("file_bytes").asLong());
                for (var b : m.get("batches")) {
                    var ips = b.get("images_per_second");
                    out.printf(Locale.ROOT, "  batch %4d: %10.1f images/s ±%3.0f%%, latency %8.2f ms/batch, speed x%.2f%n", b.get("batch").asInt(),
                            ips.get("median").asDouble(), 100 * ips.get("relative_spread").asDouble(), b.get("latency_ms_median").asDouble(),
                            m.get("ratios").get("speed_batch_" + b.get("batch").asInt()).asDouble());
                }
            }
        }
    }

    private static long sizeOf(Path p) {
        if (p == null || !Files.exists(p)) {
            return 0;
        }
        try {
            if (!Files.isDirectory(p)) {
                return Files.size(p);
            }
            try (Stream<Path> s = Files.walk(p)) {
                long total = 0;
                for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    total += Files.size(f);
                }
                return total;
            }
        } catch (IOException e) {
            throw new UserError(p + ": cannot read its size: " + e.getMessage());
        }
    }
}
