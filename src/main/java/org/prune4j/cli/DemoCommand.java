package org.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.prune4j.io.SafetensorsFile;
import org.prune4j.model.BundledModels;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.pipeline.LlmPruneJob;
import org.prune4j.pipeline.PruneJobSettings;
import org.prune4j.pipeline.evaluate.DenseBaselines;
import org.prune4j.pipeline.load.ModelSpec;
import org.prune4j.pipeline.prune.PruningSpec;
import org.prune4j.pipeline.report.PruneReport;
import org.prune4j.pipeline.report.ReportFiles;
import org.prune4j.prune.method.PruningMethod;
import org.prune4j.prune.method.PruningMethods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prune4j demo}: the main job on the bundled model, with the reference implementations' figures beside ours. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Prunes the bundled stories260K (a 260K-parameter TinyStories Llama) with magnitude, Wanda and "
                + "SparseGPT at 50% unstructured and 2:4, using its pinned protocol (128x256 calibration ids, 64x256 "
                + "evaluation ids from TinyStories), and prints the perplexities next to those of the original "
                + "implementations (locuslab/wanda, IST-DASLab/sparsegpt) run on the same model and data."})
public final class DemoCommand implements Callable<Integer> {
    private static final String MODEL = "stories260K";

    @Option(names = "--json", description = "Print one JSON object with every row instead of the table.")
    boolean json;

    /** One row of the table. */
    record Row(String method, String pattern, double sparsity, double ppl, Double referencePpl, double seconds) {}

    @Override
    public Integer call() throws IOException {
        Map<String, Double> reference = referencePerplexities();
        PrintStream out = System.out;
        List<Row> rows = new ArrayList<>();
        Double dense = null;
        if (!json) {
            out.println("prune4j demo: stories260K, calibration 128x256 ids, evaluation 64x256 ids (TinyStories validation)");
            out.printf(Locale.ROOT, "%-10s %-8s %9s %10s %10s %8s %8s%n", "method", "pattern", "sparsity", "ppl",
                    "reference", "diff", "seconds");
        }
        DenseBaselines baselines = new DenseBaselines();
        LlmPruneJob job = new LlmPruneJob(new PrintStream(java.io.OutputStream.nullOutputStream()))
                .sharingDenseBaselines(baselines);
        for (String methodName : PruningMethods.names()) {
            PruningMethod method = PruningMethods.byName(methodName);
            for (String p : List.of("0.5", "2:4")) {
                SparsityPattern pattern = SparsityPattern.parse(p);
                PruneReport r = job.run(PruneJobSettings.of(ModelSpec.of(MODEL), PruningSpec.uniform(method, pattern)));
                if (dense == null) {
                    dense = r.densePpl();
                    Row d = new Row("dense", "-", 0, dense, reference.get("dense"), 0);
                    rows.add(d);
                    print(out, d);
                }
                String key = method.name() + "_" + (p.equals("0.5") ? "unstructured50" : "2of4");
                double pruneSeconds = r.stageSeconds().getOrDefault("allocate", 0.0) + r.stageSeconds().get("prune");
                Row row = new Row(method.name(), pattern.toString(), r.sparsity(), r.prunedPpl(), reference.get(key),
                        pruneSeconds);
                rows.add(row);
                print(out, row);
            }
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", MODEL);
            o.put("rows", rows);
            out.println(ReportFiles.toJson(o, false));
        } else {
            out.println("reference = the original implementations on the same model, calibration and evaluation ids;");
            out.println("seconds = pruning time (calibration forwards + statistics + pruning), excluding evaluation.");
        }
        return 0;
    }

    private void print(PrintStream out, Row r) {
        if (json) {
            return;
        }
        String diff = r.referencePpl() == null ? "-" : String.format(Locale.ROOT, "%+.3f%%", 100 * (r.ppl() / r.referencePpl() - 1));
        out.printf(Locale.ROOT, "%-10s %-8s %9.5f %10.4f %10s %8s %8.2f%n", r.method(), r.pattern(), r.sparsity(), r.ppl(),
                r.referencePpl() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.referencePpl()), diff, r.seconds());
    }

    private static Map<String, Double> referencePerplexities() throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(BundledModels.protocol(MODEL))) {
            JsonNode ref = new ObjectMapper().readTree(f.metadata().get("reference_ppl"));
            ref.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().get("ppl").asDouble()));
        }
        return out;
    }
}
