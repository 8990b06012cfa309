package org.prune4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.prune4j.internal.benchmark.BenchSettings;
import org.prune4j.internal.benchmark.OrtVisionRunner;
import org.prune4j.internal.benchmark.VisionBenchResult;
import org.prune4j.internal.benchmark.VisionBenchmark;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.Group;

/**
 * Where the latency of a channel-pruned CIFAR ResNet goes (not a test): ResNet-56 (seeded random weights — latency
 * does not depend on the values) narrowed to hand-chosen widths per stage, timed against the dense network in
 * prune4j's runtime and in ONNX Runtime, all models interleaved in one run ({@link VisionBenchmark}).
 *
 * <p>A width configuration is {@code S1,S2,S3/I1,I2,I3}: the residual-stream width of each stage (the stage's
 * group: stem or first conv2, shortcut, every block's conv2) and the inner width of every block of that stage
 * (its conv1 output). Dense ResNet-56 is {@code 16,32,64/16,32,64}. The benchmark answers "which widths at half
 * the MACs are fast", independently of any importance criterion: for example, whether a stage whose width is
 * below the CPU's channel block (16 floats with AVX-512) gets cheaper at all.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/classpath.txt) org.prune4j.bench.ResNetWidthLatency \
 *     [--runs=10] [--warmup=2] [--batch=1,64] [--runtime=prune4j|onnxruntime|both] 16,16,32/16,16,16 8,32,64/8,16,32 ...
 * </pre>
 */
public final class ResNetWidthLatency {
    private static final String DENSE = "16,32,64/16,32,64";

    private ResNetWidthLatency() {}

    public static void main(String[] args) throws Exception {
        int runs = 10;
        int warmup = 2;
        List<Integer> batches = List.of(1, 64);
        String runtime = "both";
        List<String> configs = new ArrayList<>(List.of(DENSE));
        for (String a : args) {
            if (a.startsWith("--runs=")) {
                runs = Integer.parseInt(a.substring(7));
            } else if (a.startsWith("--warmup=")) {
                warmup = Integer.parseInt(a.substring(9));
            } else if (a.startsWith("--batch=")) {
                batches = java.util.Arrays.stream(a.substring(8).split(",")).map(Integer::valueOf).toList();
            } else if (a.startsWith("--runtime=")) {
                runtime = a.substring(10);
            } else if (!a.equals(DENSE)) {
                configs.add(a);
            }
        }
        BenchSettings s = new BenchSettings(1, 1, batches, warmup, runs, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<VisionModel> models = new ArrayList<>();
            for (String c : configs) {
                models.add(narrowed(manager, c));
            }
            for (String rt : runtime.equals("both") ? List.of("prune4j", "onnxruntime") : List.of(runtime)) {
                List<AutoCloseable> open = new ArrayList<>();
                List<VisionBenchmark.Subject> subjects = new ArrayList<>();
                for (int i = 0; i < models.size(); i++) {
                    if (rt.equals("onnxruntime")) {
                        OrtVisionRunner runner = new OrtVisionRunner(models.get(i), configs.get(i), 0);
                        open.add(runner);
                        subjects.add(new VisionBenchmark.Subject(configs.get(i), models.get(i), 0, runner));
                    } else {
                        subjects.add(new VisionBenchmark.Subject(configs.get(i), models.get(i), 0));
                    }
                }
                List<VisionBenchResult> results = VisionBenchmark.run(subjects, s, round -> { });
                for (AutoCloseable c : open) {
                    c.close();
                }
                print(rt, results, batches, runs);
            }
        }
    }

    private static void print(String runtime, List<VisionBenchResult> results, List<Integer> batches, int runs) {
        VisionBenchResult dense = results.get(0);
        System.out.printf(Locale.ROOT, "%s, %d interleaved rounds (median; speed = dense latency / latency)%n", runtime, runs);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-20s %7s", "widths", "MACs"));
        for (int b : batches) {
            head.append(String.format(Locale.ROOT, " %12s %7s", "b" + b + " ms", "speed"));
        }
        System.out.println(head);
        for (VisionBenchResult r : results) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-20s %6.1f%%", r.model(),
                    100.0 * r.facts().macs() / dense.facts().macs()));
            for (int b : batches) {
                double ms = 1000.0 * b / r.imagesPerSecond().get(b).median();
                double speed = r.imagesPerSecond().get(b).median() / dense.imagesPerSecond().get(b).median();
                line.append(String.format(Locale.ROOT, " %12.2f %6.2fx", ms, speed));
            }
            System.out.println(line);
        }
    }

    /** Seeded ResNet-56 with every group cut to the configuration's width (its last channels removed). */
    static VisionModel narrowed(NDManager manager, String config) {
        String[] parts = config.split("/");
        int[] stream = ints(parts[0]);
        int[] inner = ints(parts[1]);
        VisionModel model = VisionModels.create("resnet56", manager, 0);
        DependencyGraph graph = DependencyGraph.build(model, model::forward, new Shape(3, 32, 32));
        for (Group g : List.copyOf(graph.groups())) {
            if (!g.prunable()) {
                continue;
            }
            int width = widthOf(g.name(), stream, inner);
            if (width < g.width()) {
                graph = graph.prune(g.id(), IntStream.range(width, g.width()).toArray());
            }
        }
        return model;
    }

    private static int widthOf(String group, int[] stream, int[] inner) {
        if (group.equals("conv1 out")) {
            return stream[0];
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("layer(\\d)\\.(\\d+)\\.conv([12]) out").matcher(group);
        if (!m.matches()) {
            throw new IllegalStateException("unexpected group " + group);
        }
        int stage = Integer.parseInt(m.group(1)) - 1;
        return m.group(3).equals("1") ? inner[stage] : stream[stage];
    }

    private static int[] ints(String s) {
        return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
