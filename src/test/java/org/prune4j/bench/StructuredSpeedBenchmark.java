package org.prune4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.prune.structured.AttentionUnit;
import org.prune4j.internal.prune.structured.StructuredMethod;
import org.prune4j.internal.prune.structured.StructuredPlan;
import org.prune4j.internal.prune.structured.StructuredPruner;
import org.prune4j.internal.prune.structured.StructuredSettings;
import org.prune4j.internal.prune.structured.Units;
import org.prune4j.internal.prune.structured.WidthAllocation;

/**
 * Structured-pruning speed benchmark (not a test): a Llama with realistic widths and random weights
 * (hidden 2048, 32 query heads / 4 key/value heads of 64, FFN 5632, vocab 32000 — TinyLlama-1.1B's
 * shapes, its 22 layers by default; {@code --layers=N} for fewer), pruned with
 * magnitude-sp over KV groups and neurons at ratio 0.5 (half of every layer's KV groups and neurons:
 * 50% of the block parameters), physically. Dense and pruned models are timed interleaved:
 * <ul>
 *   <li>prefill: one sequence of 512 tokens into a fresh KV cache ({@code LlamaModel.decode}: every
 *       block, and the classifier on every position);</li>
 *   <li>decode: 32 single-token steps after a 32-token prompt, with the KV cache.</li>
 * </ul>
 * Each measurement: one warm-up, then the median of {@code --reps} repetitions, alternating dense and
 * pruned. Prints tokens/s and the pruned/dense ratios (target: prefill ≥ 1.6×).
 *
 * <p>Run (after {@code ./mvnw -q test-compile} and {@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt}):
 * <pre>
 * java -Xmx6g -XX:MaxDirectMemorySize=14g -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     org.prune4j.bench.StructuredSpeedBenchmark [--layers=22] [--reps=5]
 * </pre>
 */
public final class StructuredSpeedBenchmark {
    private static final int PREFILL = 512;
    private static final int PROMPT = 32;
    private static final int DECODE = 32;

    private StructuredSpeedBenchmark() {}

    public static void main(String[] args) {
        int layers = intArg(args, "--layers=", 22);
        int reps = intArg(args, "--reps=", 5);
        LlamaConfig c = new LlamaConfig("LlamaForCausalLM", 2048, 5632, layers, 32, 4, 64, 32000, 2048, 10000.0, 1e-5,
                false, false, 1, 2);
        System.out.printf(Locale.ROOT, "model: hidden %d, %d layers, %d heads / %d kv heads of %d, FFN %d, vocab %d (random uniform weights)%n",
                c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.intermediateSize(), c.vocabSize());
        LlamaCheckpoint dense = random(c, 1);
        try (NDManager dm = NDManager.newBaseManager(); NDManager pm = NDManager.newBaseManager()) {
            LlamaModel denseModel = LlamaModel.load(dense, dm);
            LlamaModel toPrune = LlamaModel.load(dense, pm);
            long denseBlock = blockParams(dense);
            dense = null; // the weights now live in the two native models: let the heap copy go
            StructuredSettings s = StructuredSettings.defaults(StructuredMethod.MAGNITUDE_SP, 0.5, 0)
                    .with(new Units.Width(AttentionUnit.KV_GROUPS, true), WidthAllocation.UNIFORM, 1);
            StructuredPlan plan = new StructuredPruner(s, new PrintStream(OutputStream.nullOutputStream())).prune(toPrune, null);
            long prunedBlock = blockParams(toPrune);
            System.out.printf(Locale.ROOT, "block parameters: dense %d, pruned %d (%.1f%% removed); layer 0 pruned: %d heads / %d kv heads, FFN %d%n",
                    denseBlock, prunedBlock, 100 * (1 - prunedBlock / (double) denseBlock),
                    toPrune.blocks().get(0).selfAttn().numHeads(), toPrune.blocks().get(0).selfAttn().numKvHeads(),
                    toPrune.blocks().get(0).mlp().intermediateSize());
            int[] prompt = new Random(7).ints(PREFILL, 3, c.vocabSize()).toArray();
            Map<String, double[]> times = new LinkedHashMap<>();
            for (String k : List.of("dense prefill", "pruned prefill", "dense decode", "pruned decode")) {
                times.put(k, new double[reps]);
            }
            for (int r = -1; r < reps; r++) {
                double dp = prefill(denseModel, prompt);
                double pp = prefill(toPrune, prompt);
                double dd = decode(denseModel, prompt);
                double pd = decode(toPrune, prompt);
                if (r >= 0) {
                    times.get("dense prefill")[r] = dp;
                    times.get("pruned prefill")[r] = pp;
                    times.get("dense decode")[r] = dd;
                    times.get("pruned decode")[r] = pd;
                }
                System.out.printf(Locale.ROOT, "%s: prefill dense %.3fs pruned %.3fs; decode dense %.3fs pruned %.3fs%n",
                        r < 0 ? "warm-up" : "rep " + r, dp, pp, dd, pd);
            }
            double dP = PREFILL / median(times.get("dense prefill"));
            double pP = PREFILL / median(times.get("pruned prefill"));
            double dD = DECODE / median(times.get("dense decode"));
            double pD = DECODE / median(times.get("pruned decode"));
            System.out.printf(Locale.ROOT, "prefill 1x%d: dense %.1f tok/s, pruned %.1f tok/s, ratio %.2fx (target >= 1.6x)%n",
                    PREFILL, dP, pP, pP / dP);
            System.out.printf(Locale.ROOT, "decode (%d steps after %d tokens): dense %.1f tok/s, pruned %.1f tok/s, ratio %.2fx%n",
                    DECODE, PROMPT, dD, pD, pD / dD);
        }
    }

    /** Seconds to run {@code prompt} into a fresh KV cache ({@link LlamaModel#decode}: every block, every position's logits). */
    private static double prefill(LlamaModel model, int[] prompt) {
        long t0 = System.nanoTime();
        try (NDManager scope = NDManager.newBaseManager(); KvCache cache = KvCache.create(model, prompt.length)) {
            NDArray logits = model.decode(scope, prompt, 0, cache);
            logits.get(prompt.length - 1).toFloatArray();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds for {@value #DECODE} single-token decode steps after a {@value #PROMPT}-token prompt (prompt not timed). */
    private static double decode(LlamaModel model, int[] tokens) {
        try (NDManager scope = NDManager.newBaseManager(); KvCache cache = KvCache.create(model, PROMPT + DECODE)) {
            model.decode(scope, Arrays.copyOf(tokens, PROMPT), 0, cache).close();
            long t0 = System.nanoTime();
            for (int i = 0; i < DECODE; i++) {
                try (NDManager step = scope.newSubManager()) {
                    model.decodeStep(step, tokens[PROMPT + i], PROMPT + i, cache).toFloatArray();
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Block weights of a loaded model, from its layers' shapes (no heap copy of a pruned checkpoint). */
    private static long blockParams(LlamaModel m) {
        long d = m.config().hiddenSize();
        long hd = m.config().headDim();
        long sum = 0;
        for (var b : m.blocks()) {
            sum += 2 * d * hd * (b.selfAttn().numHeads() + b.selfAttn().numKvHeads()) + 3 * d * b.mlp().intermediateSize();
        }
        return sum;
    }

    private static long blockParams(LlamaCheckpoint ckpt) {
        return ckpt.tensors().entrySet().stream().filter(e -> e.getKey().startsWith("model.layers.") && e.getKey().endsWith("_proj.weight"))
                .mapToLong(e -> e.getValue().numel()).sum();
    }

    private static LlamaCheckpoint random(LlamaConfig c, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        Map<String, TensorData> t = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long q = c.qDim();
        long kv = c.kvDim();
        long f = c.intermediateSize();
        put(t, LlamaTensorNames.EMBED, rnd, 0.02f, c.vocabSize(), d);
        for (int i = 0; i < c.numLayers(); i++) {
            t.put(LlamaTensorNames.inputNorm(i), ones(d));
            put(t, LlamaTensorNames.linearWeight(i, "self_attn.q_proj"), rnd, 0.02f, q, d);
            put(t, LlamaTensorNames.linearWeight(i, "self_attn.k_proj"), rnd, 0.02f, kv, d);
            put(t, LlamaTensorNames.linearWeight(i, "self_attn.v_proj"), rnd, 0.02f, kv, d);
            put(t, LlamaTensorNames.linearWeight(i, "self_attn.o_proj"), rnd, 0.02f, d, q);
            t.put(LlamaTensorNames.postAttentionNorm(i), ones(d));
            put(t, LlamaTensorNames.linearWeight(i, "mlp.gate_proj"), rnd, 0.02f, f, d);
            put(t, LlamaTensorNames.linearWeight(i, "mlp.up_proj"), rnd, 0.02f, f, d);
            put(t, LlamaTensorNames.linearWeight(i, "mlp.down_proj"), rnd, 0.02f, d, f);
        }
        t.put(LlamaTensorNames.FINAL_NORM, ones(d));
        put(t, LlamaTensorNames.LM_HEAD, rnd, 0.02f, c.vocabSize(), d);
        return new LlamaCheckpoint(c, t, CheckpointFormat.HF, Path.of("random"), null);
    }

    /** Uniform in ±scale·√3 (standard deviation {@code scale}): fast to draw, and speed does not depend on the values. */
    private static void put(Map<String, TensorData> t, String name, java.util.SplittableRandom rnd, float scale, long rows,
            long cols) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        double a = scale * Math.sqrt(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * a);
        }
        t.put(name, TensorData.ofFloats(new long[] {rows, cols}, v));
    }

    private static TensorData ones(long n) {
        float[] v = new float[(int) n];
        Arrays.fill(v, 1f);
        return TensorData.ofFloats(new long[] {n}, v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static int intArg(String[] args, String prefix, int fallback) {
        for (String a : args) {
            if (a.startsWith(prefix)) {
                return Integer.parseInt(a.substring(prefix.length()));
            }
        }
        return fallback;
    }

}
