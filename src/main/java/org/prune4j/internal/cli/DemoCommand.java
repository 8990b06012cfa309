package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.prune4j.api.EvaluationSettings;
import org.prune4j.api.LanguageModel;
import org.prune4j.api.Prune4j;
import org.prune4j.api.PruneResult;
import org.prune4j.api.PruneSettings;
import org.prune4j.api.PrunedModel;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.BundledModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prune4j demo}: the main job on the bundled model, with the reference implementations' figures beside ours.
 * It runs through the public Java API ({@link Prune4j}), as {@code examples/PruneStories.java} does.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Prunes the bundled stories260K (a 260K-parameter TinyStories Llama) with magnitude, Wanda and "
                + "SparseGPT at 50%% unstructured and 2:4, using its pinned protocol (128x256 calibration ids, 64x256 "
                + "evaluation ids from TinyStories), and prints the perplexities next to those of the original "
                + "implementations (locuslab/wanda, IST-DASLab/sparsegpt) run on the same model and data."})
final class DemoCommand implements Callable<Integer> {
    private static final String MODEL = "stories260K";
    /** The three criteria the reference implementations were run with (DSnoT, a refinement, is not one). */
    private static final List<String> METHODS = List.of("magnitude", "wanda", "sparsegpt");

    @Option(names = "--json", description = "Print one JSON object with every row instead of the table.")
    boolean json;

    /** One row of the table. */
    record Row(String method, String pattern, double sparsity, double ppl, Double referencePpl, double seconds) {}

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec recipeSpec;

    @Override
    public Integer call() throws IOException {
        if (recipe.printed(recipeSpec, "demo")) {
            return 0;
        }
        Map<String, Double> reference = referencePerplexities();
        PrintStream out = System.out;
        List<Row> rows = new ArrayList<>();
        if (!json) {
            out.println("prune4j demo: stories260K, calibration 128x256 ids, evaluation 64x256 ids (TinyStories validation)");
            out.printf(Locale.ROOT, "%-10s %-8s %9s %10s %10s %8s %8s%n", "method", "pattern", "sparsity", "ppl",
                    "reference", "diff", "seconds");
        }
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        EvaluationSettings protocol = EvaluationSettings.protocol();
        LanguageModel model = Prune4j.load(MODEL);
        Row dense = new Row("dense", "-", 0, model.evaluate(protocol).perplexity(), reference.get("dense"), 0);
        rows.add(dense);
        print(out, dense);
        for (String method : METHODS) {
            for (String pattern : List.of("0.5", "2:4")) {
                PruneSettings settings = PruneSettings.builder().method(method).sparsity(pattern).build();
                try (PrunedModel pruned = model.prune(settings, quiet)) {
                    double ppl = pruned.evaluate(protocol).perplexity();
                    PruneResult r = pruned.result();
                    String key = method + "_" + (pattern.equals("0.5") ? "unstructured50" : "2of4");
                    double pruneSeconds = r.stageSeconds().getOrDefault("allocate", 0.0) + r.stageSeconds().get("prune");
                    Row row = new Row(method, r.pattern(), r.sparsity(), ppl, reference.get(key), pruneSeconds);
                    rows.add(row);
                    print(out, row);
                }
            }
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", MODEL);
            o.put("rows", rows);
            o.put("recipe", RecipeOption.tree(recipeSpec, "demo"));
            out.println(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writeValueAsString(o));
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
