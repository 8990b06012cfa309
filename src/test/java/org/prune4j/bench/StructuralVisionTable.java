package org.prune4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Optional experiment report (not a unit test): reads the JSON reports that
 * {@code docs/experiments/structural-vision/run-evidence.sh} wrote ({@code prune --arch ... --json} and
 * {@code eval --json}) and prints the Markdown tables of docs/experiments/structural-vision.md; writes the plots
 * of accuracy against MACs and against measured batch-64 latency for the ResNet-56 L2 sweep.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/classpath.txt) \
 *     org.prune4j.bench.StructuralVisionTable /tmp/sv/ev docs/experiments/img [BENCH.json]
 * </pre>
 *
 * With {@code BENCH.json} (the output of {@code prune4j bench --arch resnet56 --json} over the dense checkpoint and
 * the sweep's checkpoints, all interleaved in one run) the latency plot uses those batch-64 medians; without it,
 * each prune run's own interleaved dense/pruned timing, rescaled to the first run's dense baseline.
 */
public final class StructuralVisionTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StructuralVisionTable() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path img = Path.of(args[1]);
        Map<String, Double> benchLatency = new LinkedHashMap<>();
        double benchDense = Double.NaN;
        if (args.length > 2) {
            JsonNode bench = JSON.readTree(Path.of(args[2]).toFile());
            for (JsonNode m : bench.get("models")) {
                for (JsonNode b : m.get("batches")) {
                    if (b.get("batch").asInt() == 64) {
                        String file = Path.of(m.get("model").asText()).getFileName().toString().replace(".safetensors", "");
                        benchLatency.put(file, b.get("latency_ms_median").asDouble());
                        if (Double.isNaN(benchDense)) {
                            benchDense = b.get("latency_ms_median").asDouble();
                        }
                    }
                }
            }
        }
        Files.createDirectories(img);
        Map<String, JsonNode> runs = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                try {
                    runs.put(f.getFileName().toString().replace(".json", ""), JSON.readTree(f.toFile()));
                } catch (IOException e) {
                    System.err.println("skipped " + f + ": " + e.getMessage());
                }
            }
        }
        double denseJpeg = accuracy(runs.get("dense-resnet56-jpeg10k"));
        System.out.println("| run | MACs kept | params | accuracy lossless 1,000: dense → one-shot → fine-tuned | JPEG 10k: dense → fine-tuned"
                + " | latency b64 median dense → pruned (speed-up) | latency b1 speed-up | fine-tuning |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, JsonNode> e : runs.entrySet()) {
            JsonNode r = e.getValue();
            if (!r.has("macs_after")) {
                continue;
            }
            JsonNode jpeg = runs.get(e.getKey() + "-jpeg10k");
            String jpegCell = jpeg == null ? "–" : pct(e.getKey().startsWith("vit") ? accuracy(runs.get("dense-vit-jpeg10k"))
                    : denseJpeg) + " → " + pct(accuracy(jpeg));
            JsonNode b64 = r.path("latency_ms").path("batch_64");
            System.out.printf(Locale.ROOT, "| `%s` | %.1f%% | %,d | %s → %s → **%s** | %s | %.1f → %.1f ms (%.2f×) | %.2f× | %d epoch(s), %.0f s |%n",
                    e.getKey(), 100.0 * r.get("macs_after").asDouble() / r.get("macs_before").asDouble(),
                    r.get("params_after").asLong(), pct(r.get("accuracy_before").asDouble()),
                    pct(r.get("accuracy_after_pruning").asDouble()), pct(r.get("accuracy_after").asDouble()), jpegCell,
                    b64.path("dense").path("median").asDouble(), b64.path("pruned").path("median").asDouble(),
                    b64.path("speedup").asDouble(), r.path("latency_ms").path("batch_1").path("speedup").asDouble(),
                    r.path("finetune_epochs").asInt(), r.path("finetune_seconds").asDouble());
        }
        // the L2 sweep at one epoch: accuracy against MACs kept and against measured latency
        Map<String, List<double[]>> byMacs = new LinkedHashMap<>();
        Map<String, List<double[]>> byLatency = new LinkedHashMap<>();
        List<double[]> oneShot = new ArrayList<>();
        List<double[]> tuned = new ArrayList<>();
        List<double[]> oneShotLat = new ArrayList<>();
        List<double[]> tunedLat = new ArrayList<>();
        double denseLatency = Double.NaN;
        double denseAcc = Double.NaN;
        List<Map.Entry<String, JsonNode>> sweep = runs.entrySet().stream()
                .filter(e -> e.getKey().matches("r56-l2-m\\d+-ft1")).sorted((a, b) -> Double.compare(
                        b.getValue().get("macs_after").asDouble(), a.getValue().get("macs_after").asDouble())).toList();
        for (Map.Entry<String, JsonNode> e : sweep) {
            JsonNode r = e.getValue();
            double macs = 100.0 * r.get("macs_after").asDouble() / r.get("macs_before").asDouble();
            JsonNode b64 = r.path("latency_ms").path("batch_64");
            double lat = b64.path("pruned").path("median").asDouble();
            // each run times its own dense baseline interleaved; put every run on the scale of the first one
            double scale = sweep.get(0).getValue().path("latency_ms").path("batch_64").path("dense").path("median").asDouble()
                    / b64.path("dense").path("median").asDouble();
            denseLatency = sweep.get(0).getValue().path("latency_ms").path("batch_64").path("dense").path("median").asDouble();
            denseAcc = 100 * r.get("accuracy_before").asDouble();
            oneShot.add(new double[] {macs, 100 * r.get("accuracy_after_pruning").asDouble()});
            tuned.add(new double[] {macs, 100 * r.get("accuracy_after").asDouble()});
            double x = benchLatency.getOrDefault(e.getKey(), lat * scale);
            if (!benchLatency.isEmpty() && !benchLatency.containsKey(e.getKey())) {
                throw new IllegalArgumentException("the bench JSON has no model " + e.getKey() + ".safetensors");
            }
            oneShotLat.add(new double[] {x, 100 * r.get("accuracy_after_pruning").asDouble()});
            tunedLat.add(new double[] {x, 100 * r.get("accuracy_after").asDouble()});
        }
        if (!sweep.isEmpty()) {
            byMacs.put("one-shot (L2, global)", oneShot);
            byMacs.put("+ 1 epoch fine-tuning", tuned);
            byLatency.put("one-shot (L2, global)", oneShotLat);
            byLatency.put("+ 1 epoch fine-tuning", tunedLat);
            // the longer runs at the same settings, where there are any
            List<double[]> longer = new ArrayList<>();
            List<double[]> longerLat = new ArrayList<>();
            double firstDense = sweep.get(0).getValue().path("latency_ms").path("batch_64").path("dense").path("median").asDouble();
            runs.forEach((name, r) -> {
                if (name.matches("r56-l2-m\\d+-ft([2-9]|\\d\\d+)")) {
                    JsonNode b64 = r.path("latency_ms").path("batch_64");
                    double scale = firstDense / b64.path("dense").path("median").asDouble();
                    longer.add(new double[] {100.0 * r.get("macs_after").asDouble() / r.get("macs_before").asDouble(),
                        100 * r.get("accuracy_after").asDouble()});
                    longerLat.add(new double[] {benchLatency.getOrDefault(name, b64.path("pruned").path("median").asDouble() * scale),
                        100 * r.get("accuracy_after").asDouble()});
                }
            });
            if (!longer.isEmpty()) {
                byMacs.put("+ 8 epochs fine-tuning", longer);
                byLatency.put("+ 8 epochs fine-tuning", longerLat);
            }
            XyPlot.write(img.resolve("structural-resnet56-accuracy-vs-macs.png"),
                    "ResNet-56, CIFAR-10 lossless 1,000: accuracy vs MACs kept (dense = reference point)",
                    "MACs kept (% of dense)", "accuracy (%)", byMacs, 100, denseAcc);
            XyPlot.write(img.resolve("structural-resnet56-accuracy-vs-latency.png"),
                    "ResNet-56: accuracy vs measured latency, batch 64 (dense = reference point)",
                    benchLatency.isEmpty() ? "median latency per batch of 64 (ms, scaled to the first run's dense baseline)"
                            : "median latency per batch of 64 (ms, prune4j bench, all models interleaved)", "accuracy (%)",
                    byLatency, benchLatency.isEmpty() ? denseLatency : benchDense, denseAcc);
            System.out.println();
            System.out.println("plots: " + img.resolve("structural-resnet56-accuracy-vs-macs.png") + ", "
                    + img.resolve("structural-resnet56-accuracy-vs-latency.png"));
        }
    }

    private static double accuracy(JsonNode eval) {
        return eval == null ? Double.NaN : eval.path("accuracy").asDouble(Double.NaN);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
