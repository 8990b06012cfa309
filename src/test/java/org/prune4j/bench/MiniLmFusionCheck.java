package org.prune4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.internal.prune.onnx.ImportanceMethod;
import org.prune4j.internal.prune.onnx.OnnxPruneJob;
import org.prune4j.internal.prune.onnx.OnnxPruneSettings;
import org.prune4j.internal.prune.onnx.PruneScope;
import org.prune4j.internal.prune.onnx.PruneTarget;

/**
 * Do ONNX Runtime's transformer fusions still apply to an all-MiniLM-L6-v2 whose heads were pruned? Prunes the model
 * ({@code l1}, 25%), then for dense and pruned at {@code BASIC_OPT} and {@code ALL_OPT} writes the graph ONNX Runtime
 * actually runs ({@code SessionOptions.setOptimizedModelFilePath}), counts its operators, and times batch 32 ×
 * sequence 128 (interleaved runs, median). Run by hand:
 * {@code java -cp ... org.prune4j.bench.MiniLmFusionCheck all-minilm-l6-v2.onnx WORKDIR THREADS REPS}.
 */
public final class MiniLmFusionCheck {
    private MiniLmFusionCheck() {}

    public static void main(String[] args) throws Exception {
        Path dense = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        int threads = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        Path pruned = work.resolve("l1-25.onnx");
        new OnnxPruneJob(new PrintStream(new ByteArrayOutputStream())).run(dense, pruned,
                new OnnxPruneSettings(ImportanceMethod.L1, new PruneTarget.ParameterRatio(0.25), PruneScope.LOCAL, 1, null, null, 1, 0));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OrtSession> sessions = new LinkedHashMap<>();
        for (Path model : List.of(dense, pruned)) {
            String name = model.equals(dense) ? "dense" : "l1-25";
            for (OrtSession.SessionOptions.OptLevel level : List.of(OrtSession.SessionOptions.OptLevel.BASIC_OPT,
                    OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
                OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                o.setIntraOpNumThreads(threads);
                o.setInterOpNumThreads(1);
                o.setOptimizationLevel(level);
                Path optimized = work.resolve(name + "-" + level + ".onnx");
                o.setOptimizedModelFilePath(optimized.toString());
                String key = name + " " + level;
                sessions.put(key, env.createSession(model.toString(), o));
                Map<String, Integer> ops = new TreeMap<>();
                for (NodeProto n : OnnxModelReader.read(optimized).getGraph().getNodeList()) {
                    ops.merge((n.getDomain().isEmpty() ? "" : n.getDomain() + ".") + n.getOpType(), 1, Integer::sum);
                }
                System.out.printf(Locale.ROOT, "%s: %d nodes %s%n", key, ops.values().stream().mapToInt(Integer::intValue).sum(), ops);
            }
        }
        int batch = 32;
        int seq = 128;
        SplittableRandom rnd = new SplittableRandom(2);
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + rnd.nextInt(28000);
        }
        long[] ones = new long[ids.length];
        java.util.Arrays.fill(ones, 1);
        long[] zeros = new long[ids.length];
        long[] shape = {batch, seq};
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int rep = -1; rep < reps; rep++) {
            for (Map.Entry<String, OrtSession> e : sessions.entrySet()) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                for (String in : e.getValue().getInputNames()) {
                    long[] v = switch (in) {
                        case "input_ids" -> ids;
                        case "attention_mask" -> ones;
                        default -> zeros;
                    };
                    feed.put(in, OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape));
                }
                long t0 = System.nanoTime();
                e.getValue().run(feed).close();
                double ms = (System.nanoTime() - t0) / 1e6;
                feed.values().forEach(OnnxTensor::close);
                if (rep >= 0) {
                    times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(ms);
                }
            }
        }
        double base = MiniLmOnnxPruningBench.median(times.get("dense " + OrtSession.SessionOptions.OptLevel.ALL_OPT));
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            double m = MiniLmOnnxPruningBench.median(e.getValue());
            System.out.printf(Locale.ROOT, "%s: batch 32 x 128 median %.0f ms (%.2f x dense ALL_OPT) of %s%n", e.getKey(), m, m / base, e.getValue());
        }
        for (OrtSession s : sessions.values()) {
            s.close();
        }
    }
}
