package org.prune4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.oneshot.HessianStatistics;
import org.prune4j.internal.prune.oneshot.SparseGpt;
import org.prune4j.internal.prune.oneshot.SparseGptConfig;
import org.prune4j.internal.prune.oneshot.Wanda;
import org.prune4j.internal.prune.oneshot.WandaStatistics;

/**
 * Layer-level pruning benchmark (not a test): prints measured times, ratios to a dense matmul, and
 * peak memory, against the targets of the one-shot pruning issue.
 *
 * <ol>
 *   <li>A dense {@code d × d × d} float32 matmul (warm-up, then the median of 5): the time unit.</li>
 *   <li>A {@code d × d} Linear with {@code 128 × 2048} calibration tokens fed in batches of 4 sequences:
 *       time to accumulate the Wanda statistics and the SparseGPT Hessian; time of the pruning step of
 *       Wanda and SparseGPT, 50% unstructured and 2:4, each also as a ratio to the matmul.
 *       Targets: SparseGPT ≤ 5 matmul-times, Wanda ≤ 0.5.</li>
 *   <li>A LLaMA-7B-shaped decoder block (hidden 4096, intermediate 11008, 32 heads: q, k, v, o
 *       4096×4096, gate and up 11008×4096, down 4096×11008) with {@code 32 × 2048} calibration tokens:
 *       the whole block's statistics + SparseGPT 50% pruning time, then its peak memory (JVM heap and
 *       process RSS from {@code /proc/self/status}). Target: peak ≤ block weights + activations + 2 GiB,
 *       where "activations" are the block's calibration inputs a pipeline holds
 *       ({@code tokens × hidden} float32).</li>
 * </ol>
 * The calibration inputs are random (correlated features of uneven scale, like the fixtures), generated
 * batch by batch outside the timed regions; q/k/v share one input and one set of statistics, as do
 * gate/up.
 *
 * <p>Run (after {@code ./mvnw -q test-compile}):
 * <pre>
 * java -Xmx640m -cp target/classes:target/test-classes:$(cat cp.txt) org.prune4j.bench.LayerPruningBenchmark [--quick]
 * </pre>
 * with {@code cp.txt} from {@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 * {@code --linear-only} / {@code --block-only} run one part; {@code --block-seqs=N} changes the block's
 * number of calibration sequences (development only: the targets are for 32). {@code --quick} shrinks every size (d 1024, 16 × 512 tokens; block 1024/2752, 8 × 512 tokens).
 */
public final class LayerPruningBenchmark {
    /** The shipped SparseGPT configuration, the one {@code prune4j prune --method sparsegpt} runs. */
    private static final SparseGpt SPARSEGPT = SparseGptConfig.SHIPPED.algorithm();
    private static final long GIB = 1L << 30;

    private final boolean quick;
    private final int d;
    private final int linearSeqs;
    private final int seqLen;
    private final int hidden;
    private final int inter;
    private final int blockSeqs;
    /** Sequences per hook call: 4 for the single Linear, 1 (as the reference pipelines run) for the block. */
    private final int batch = 4;
    private final int blockBatch = 1;

    private LayerPruningBenchmark(boolean quick, int blockSeqsOverride) {
        this.quick = quick;
        this.d = quick ? 1024 : 4096;
        this.linearSeqs = quick ? 16 : 128;
        this.seqLen = quick ? 512 : 2048;
        this.hidden = quick ? 1024 : 4096;
        this.inter = quick ? 2752 : 11008;
        this.blockSeqs = blockSeqsOverride > 0 ? blockSeqsOverride : quick ? 8 : 32;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int seqs = 0;
        for (String a : args) {
            if (a.startsWith("--block-seqs=")) {
                seqs = Integer.parseInt(a.substring("--block-seqs=".length()));
            }
        }
        new LayerPruningBenchmark(quick, seqs).run(args);
    }

    private void run(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "LayerPruningBenchmark%s: %d CPUs, max heap %.1f GiB, java %s%n",
                quick ? " --quick" : "", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (double) GIB, System.getProperty("java.version"));
        System.out.println("load average at start: " + loadAverage());
        if (quick) {
            System.out.println("(--quick: small sizes for a smoke run; the targets are meant for the full sizes)");
        }
        try (NDManager m = NDManager.newBaseManager()) {
            warmUp(m);
            double mm = matmul(m);
            if (!Arrays.asList(args).contains("--block-only")) {
                linear(m, mm);
            }
            if (!Arrays.asList(args).contains("--linear-only")) {
                block(m, mm);
            }
        }
        System.out.println("load average at end: " + loadAverage());
    }

    /** Runs every timed code path once on a small layer, so that the timings see compiled code. */
    private static void warmUp(NDManager m) {
        try (NDManager s = m.newSubManager()) {
            int in = 1536;
            NDArray w = s.randomNormal(new Shape(512, in));
            WandaStatistics ws = new WandaStatistics(in);
            HessianStatistics hs = new HessianStatistics(s, in);
            NDArray x = s.randomNormal(new Shape(2, 1024, in));
            ws.add(x);
            hs.add(x);
            for (SparsityPattern p : List.of(new SparsityPattern.Unstructured(0.5), new SparsityPattern.NOfM(2, 4))) {
                Wanda.mask(w, ws, p);
                SPARSEGPT.prune(w.toFloatArray(), 512, in, hs.hessian(), p).copyWeightInto(w);
            }
            hs.close();
        }
    }

    /** One more timing of the reference matmul, to show how the machine's load moved during a run. */
    private double matmulOnce(NDManager m) {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomNormal(new Shape(d, d));
            NDArray b = s.randomNormal(new Shape(d, d));
            long t0 = System.nanoTime();
            a.matMul(b).close();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private double matmul(NDManager m) {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomNormal(new Shape(d, d));
            NDArray b = s.randomNormal(new Shape(d, d));
            for (int i = 0; i < 2; i++) {
                a.matMul(b).close();
            }
            double[] t = new double[5];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
            double med = median(t);
            System.out.printf(Locale.ROOT, "dense matmul %dx%dx%d fp32: median %.3f s (%.1f GFLOP/s), runs %s%n", d, d,
                    d, med, 2.0 * d * d * d / med / 1e9, fmt(t));
            return med;
        }
    }

    /** Random calibration batch [b, seqLen, in]: (Z A) diag(s) with A = I + 0.5 G / sqrt(in). */
    private static final class InputGenerator {
        private final NDArray mix;
        private final NDArray scale;
        private final int in;

        InputGenerator(NDManager m, int in, long seed) {
            this.in = in;
            m.getEngine().setRandomSeed((int) seed);
            // a cheap correlated mix: only the first 256 features mix into all others
            int k = Math.min(in, 256);
            this.mix = m.randomNormal(new Shape(k, in)).muli(0.5f / (float) Math.sqrt(k));
            this.scale = m.randomNormal(new Shape(in)).muli(0.5f).exp();
        }

        NDArray next(NDManager s, int b, int t) {
            NDArray z = s.randomNormal(new Shape((long) b * t, in));
            int k = (int) mix.getShape().get(0);
            try (NDArray head = z.get(":, 0:" + k);
                    NDArray p = head.matMul(mix)) {
                z.addi(p).muli(scale);
            }
            return z.reshape(b, t, in);
        }
    }

    private void linear(NDManager m, double mm) {
        System.out.printf(Locale.ROOT, "%n== Linear %dx%d, %d x %d calibration tokens (batches of %d sequences)%n", d, d,
                linearSeqs, seqLen, batch);
        try (NDManager s = m.newSubManager()) {
            NDArray w = s.randomNormal(new Shape(d, d)).divi((float) Math.sqrt(d));
            WandaStatistics ws = new WandaStatistics(d);
            HessianStatistics hs = new HessianStatistics(s, d);
            InputGenerator gen = new InputGenerator(s, d, 1);
            double tW = 0;
            double tH = 0;
            for (int j = 0; j < linearSeqs; j += batch) {
                try (NDManager bm = s.newSubManager()) {
                    NDArray x = gen.next(bm, batch, seqLen);
                    long t0 = System.nanoTime();
                    ws.add(x);
                    long t1 = System.nanoTime();
                    hs.add(x);
                    long t2 = System.nanoTime();
                    tW += (t1 - t0) / 1e9;
                    tH += (t2 - t1) / 1e9;
                }
            }
            report("Wanda statistics (scaler_row)", tW, mm);
            report("SparseGPT Hessian accumulation", tH, mm);
            for (SparsityPattern p : List.of(new SparsityPattern.Unstructured(0.5), new SparsityPattern.NOfM(2, 4))) {
                long t0 = System.nanoTime();
                PruningMask mask = Wanda.mask(w, ws, p);
                double t = (System.nanoTime() - t0) / 1e9;
                report("Wanda pruning step " + p + " (sparsity " + fmt4(mask.sparsity()) + ")", t, mm, 0.5);
            }
            for (SparsityPattern p : List.of(new SparsityPattern.Unstructured(0.5), new SparsityPattern.NOfM(2, 4))) {
                // a full step: weight out of its NDArray, factorization of H, pruning, weight back in
                try (NDArray target = s.zeros(new Shape(d, d))) {
                    long t0 = System.nanoTime();
                    SparseGpt.Result r = SPARSEGPT.prune(w.toFloatArray(), d, d, hs.hessian(), p);
                    r.copyWeightInto(target);
                    double t = (System.nanoTime() - t0) / 1e9;
                    report("SparseGPT pruning step " + p + " (sparsity " + fmt4(r.mask().sparsity()) + ")", t, mm, 5);
                    double again = matmulOnce(m);
                    System.out.printf(Locale.ROOT, "%-62s %8.3f s (ratio to it: %.2f)%n", "  matmul timed right after it",
                            again, t / again);
                }
            }
            // layers sharing an input (q/k/v) share the factor: the steps after the first skip it
            SPARSEGPT.prune(w, hs, new SparsityPattern.Unstructured(0.5));
            long t0 = System.nanoTime();
            SparseGpt.Result shared = SPARSEGPT.prune(w, hs, new SparsityPattern.NOfM(2, 4));
            shared.copyWeightInto(w);
            report("  SparseGPT step 2:4 with the factor already computed", (System.nanoTime() - t0) / 1e9, mm);
            hs.close();
        }
    }

    private void block(NDManager m, double mm) throws IOException {
        System.out.printf(Locale.ROOT, "%n== LLaMA-7B-shaped decoder block: hidden %d, intermediate %d, %d x %d tokens, "
                + "SparseGPT 50%% unstructured%n", hidden, inter, blockSeqs, seqLen);
        System.gc();
        boolean reset = resetPeakRss();
        resetHeapPeaks();
        long rssBefore = procStatusKb("VmRSS") * 1024;
        long t0 = System.nanoTime();
        double statsTime = 0;
        double pruneTime = 0;
        long weightBytes = 0;
        try (NDManager s = m.newSubManager()) {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (String n : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                weights.put(n, s.randomNormal(new Shape(hidden, hidden)).divi((float) Math.sqrt(hidden)));
            }
            weights.put("gate_proj", s.randomNormal(new Shape(inter, hidden)).divi((float) Math.sqrt(hidden)));
            weights.put("up_proj", s.randomNormal(new Shape(inter, hidden)).divi((float) Math.sqrt(hidden)));
            weights.put("down_proj", s.randomNormal(new Shape(hidden, inter)).divi((float) Math.sqrt(inter)));
            for (NDArray w : weights.values()) {
                weightBytes += w.size() * 4;
            }
            long tokens = (long) blockSeqs * seqLen;
            long activationBytes = tokens * hidden * 4;
            // four distinct inputs: attention input (q/k/v), o input, MLP input (gate/up), down input
            Map<String, HessianStatistics> stats = new LinkedHashMap<>();
            stats.put("attn", new HessianStatistics(s, hidden));
            stats.put("o", new HessianStatistics(s, hidden));
            stats.put("mlp", new HessianStatistics(s, hidden));
            stats.put("down", new HessianStatistics(s, inter));
            Map<String, WandaStatistics> wanda = new LinkedHashMap<>();
            stats.forEach((k, v) -> wanda.put(k, new WandaStatistics(v.inFeatures())));
            double wandaStatsTime = 0;
            Map<String, InputGenerator> gens = new LinkedHashMap<>();
            long seed = 10;
            for (Map.Entry<String, HessianStatistics> e : stats.entrySet()) {
                gens.put(e.getKey(), new InputGenerator(s, e.getValue().inFeatures(), seed++));
            }
            for (int j = 0; j < blockSeqs; j += blockBatch) {
                for (Map.Entry<String, HessianStatistics> e : stats.entrySet()) {
                    try (NDManager bm = s.newSubManager()) {
                        NDArray x = gens.get(e.getKey()).next(bm, blockBatch, seqLen);
                        long a = System.nanoTime();
                        wanda.get(e.getKey()).add(x);
                        long a2 = System.nanoTime();
                        e.getValue().add(x);
                        wandaStatsTime += (a2 - a) / 1e9;
                        statsTime += (System.nanoTime() - a2) / 1e9;
                    }
                }
            }
            stats.values().forEach(HessianStatistics::finish); // only pruning follows: factor H in place
            System.out.printf(Locale.ROOT, "  after the statistics: RSS %.2f GiB, peak so far %.2f GiB%n",
                    procStatusKb("VmRSS") / (double) (1 << 20), procStatusKb("VmHWM") / (double) (1 << 20));
            Map<String, String> inputOf = Map.of("q_proj", "attn", "k_proj", "attn", "v_proj", "attn", "o_proj", "o",
                    "gate_proj", "mlp", "up_proj", "mlp", "down_proj", "down");
            // largest Hessian first, freeing each set of statistics after its last user
            List<String> order = List.of("down_proj", "gate_proj", "up_proj", "q_proj", "k_proj", "v_proj", "o_proj");
            Map<String, Integer> remainingUsers = new LinkedHashMap<>();
            inputOf.values().forEach(k -> remainingUsers.merge(k, 1, Integer::sum));
            SparsityPattern p = new SparsityPattern.Unstructured(0.5);
            double wandaTime = 0;
            for (String name : order) {
                long a = System.nanoTime();
                PruningMask mask = Wanda.mask(weights.get(name), wanda.get(inputOf.get(name)), p);
                wandaTime += (System.nanoTime() - a) / 1e9;
                if (mask.prunedCount() == 0) {
                    throw new IllegalStateException("Wanda pruned nothing in " + name);
                }
            }
            List<String> lines = new ArrayList<>();
            for (String name : order) {
                NDArray w = weights.get(name);
                String in = inputOf.get(name);
                long a = System.nanoTime();
                SparseGpt.Result r = SPARSEGPT.prune(w, stats.get(in), p);
                r.copyWeightInto(w); // replace the weight in place, as a pipeline would

                double t = (System.nanoTime() - a) / 1e9;
                pruneTime += t;
                lines.add(String.format(Locale.ROOT, "  %-9s %5dx%-5d %7.2f s  sparsity %.4f  (RSS now %.2f GiB, peak so far %.2f GiB)",
                        name, r.rows(), r.cols(), t, r.mask().sparsity(), procStatusKb("VmRSS") / (double) (1 << 20),
                        procStatusKb("VmHWM") / (double) (1 << 20)));
                if (remainingUsers.merge(in, -1, Integer::sum) == 0) {
                    stats.remove(in).close();
                }
            }
            double total = (System.nanoTime() - t0) / 1e9;
            lines.forEach(System.out::println);
            report("block Wanda statistics (4 inputs)", wandaStatsTime, mm);
            report("block Wanda pruning (7 masks)", wandaTime, mm);
            report("block Hessians (4 inputs)", statsTime, mm);
            report("block SparseGPT pruning (7 matrices)", pruneTime, mm);
            report("block SparseGPT statistics + pruning", statsTime + pruneTime, mm);
            report("block phase wall time (all of the above + input generation)", total, mm);
            long hwm = procStatusKb("VmHWM") * 1024;
            long heapPeak = heapPeak();
            long budget = weightBytes + activationBytes + 2 * GIB;
            System.out.printf(Locale.ROOT, "  block weights %.2f GiB, activations (block inputs, fp32) %.2f GiB%n",
                    weightBytes / (double) GIB, activationBytes / (double) GIB);
            System.out.printf(Locale.ROOT, "  peak JVM heap used <= %.2f GiB (sum of pool peaks); process RSS before %.2f GiB, peak (VmHWM%s) %.2f GiB%n",
                    heapPeak / (double) GIB, rssBefore / (double) GIB, reset ? ", reset before the block" : ", process lifetime",
                    hwm / (double) GIB);
            System.out.printf(Locale.ROOT, "  target: peak <= weights + activations + 2 GiB = %.2f GiB -> %s%n",
                    budget / (double) GIB, hwm <= budget ? "MET" : "NOT MET");
        }
    }

    private static void report(String what, double seconds, double mm) {
        System.out.printf(Locale.ROOT, "%-62s %8.3f s = %6.2f matmul-times%n", what, seconds, seconds / mm);
    }

    private static void report(String what, double seconds, double mm, double target) {
        double ratio = seconds / mm;
        System.out.printf(Locale.ROOT, "%-62s %8.3f s = %6.2f matmul-times (target <= %s: %s)%n", what, seconds, ratio,
                target, ratio <= target ? "MET" : "NOT MET");
    }

    /** Resets VmHWM (Linux: write 5 to /proc/self/clear_refs); false when not possible. */
    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long procStatusKb(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).replace("kB", "").strip());
            }
        }
        return -1;
    }

    private static void resetHeapPeaks() {
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP) {
                b.resetPeakUsage();
            }
        }
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP) {
                sum += b.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static double median(double[] t) {
        double[] c = t.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static String fmt(double[] t) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < t.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", t[i]));
        }
        return b.append(']').toString();
    }

    private static String fmt4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
