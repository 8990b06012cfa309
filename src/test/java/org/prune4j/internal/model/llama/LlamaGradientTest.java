package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.lm.NextTokenLoss;

/**
 * Analytic gradients of the whole Llama forward pass (embedding, RMSNorm, rotary attention with
 * grouped-query heads, SwiGLU, tied and untied heads) against central finite differences in float64,
 * for a sample of entries of every parameter; and finite, reproducible gradients on stories260K.
 */
class LlamaGradientTest {
    private static final int SAMPLES_PER_PARAMETER = 6;

    /** Hidden 16, MLP 24, 2 blocks, 4 query heads over 2 key/value heads of width 4, vocab 32. */
    static LlamaCheckpoint tiny(long seed, boolean tied) {
        LlamaConfig c = new LlamaConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 32, 16, 10000.0, 1e-5, tied, false, 1,
                2);
        Random rnd = new Random(seed);
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put(LlamaTensorNames.EMBED, gaussian(rnd, 1.0f, 0f, 32, 16));
        for (int i = 0; i < 2; i++) {
            t.put(LlamaTensorNames.inputNorm(i), gaussian(rnd, 0.2f, 1f, 16));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.q_proj"), gaussian(rnd, 0.4f, 0f, 16, 16));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.k_proj"), gaussian(rnd, 0.4f, 0f, 8, 16));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.v_proj"), gaussian(rnd, 0.4f, 0f, 8, 16));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.o_proj"), gaussian(rnd, 0.3f, 0f, 16, 16));
            t.put(LlamaTensorNames.postAttentionNorm(i), gaussian(rnd, 0.2f, 1f, 16));
            t.put(LlamaTensorNames.linearWeight(i, "mlp.gate_proj"), gaussian(rnd, 0.4f, 0f, 24, 16));
            t.put(LlamaTensorNames.linearWeight(i, "mlp.up_proj"), gaussian(rnd, 0.4f, 0f, 24, 16));
            t.put(LlamaTensorNames.linearWeight(i, "mlp.down_proj"), gaussian(rnd, 0.3f, 0f, 16, 24));
        }
        t.put(LlamaTensorNames.FINAL_NORM, gaussian(rnd, 0.2f, 1f, 16));
        if (!tied) {
            t.put(LlamaTensorNames.LM_HEAD, gaussian(rnd, 0.5f, 0f, 32, 16));
        }
        return new LlamaCheckpoint(c, t, CheckpointFormat.HF, null, null);
    }

    private static TensorData gaussian(Random rnd, float scale, float offset, long... shape) {
        float[] v = new float[(int) TensorData.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = offset + scale * (float) rnd.nextGaussian();
        }
        return TensorData.ofFloats(shape, v).convertTo(DType.F32);
    }

    private static int[] ids(long seed, int n, int vocab) {
        Random rnd = new Random(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextInt(vocab);
        }
        return out;
    }

    @Test
    void tiedModelGradientsMatchFiniteDifferences() {
        checkAgainstFiniteDifferences(tiny(7, true));
    }

    @Test
    void untiedModelGradientsMatchFiniteDifferences() {
        checkAgainstFiniteDifferences(tiny(8, false));
    }

    private static void checkAgainstFiniteDifferences(LlamaCheckpoint ckpt) {
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, weights);
            Map<String, Parameter> params = model.namedParameters();
            for (Parameter p : params.values()) {
                p.setValue(p.value().toType(DataType.FLOAT64, true));
            }
            int[] tokens = ids(3, 2 * 10, 32);
            Map<String, double[]> analytic = new LinkedHashMap<>();
            double loss0;
            params.values().forEach(p -> p.value().setRequiresGradient(true));
            try (NDManager scope = weights.newSubManager()) {
                NDArray idArr = scope.create(tokens, new Shape(2, 10));
                NDArray loss = Autograd.backward(() -> {
                    NDArray l = NextTokenLoss.mean(model.logits(scope, idArr), idArr);
                    churnFreedMemory();
                    return l;
                });
                loss0 = loss.getDouble();
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    NDArray g = Autograd.gradient(e.getValue().value(), scope);
                    assertTrue(g != null, "no gradient for " + e.getKey());
                    analytic.put(e.getKey(), g.toDoubleArray());
                }
            } finally {
                params.values().forEach(p -> p.value().setRequiresGradient(false));
            }
            assertTrue(Double.isFinite(loss0));
            Random pick = new Random(11);
            double h = 1e-6;
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Parameter p = e.getValue();
                double[] g = analytic.get(e.getKey());
                double gMax = 0;
                for (double v : g) {
                    gMax = Math.max(gMax, Math.abs(v));
                }
                assertTrue(gMax > 0, e.getKey() + ": gradient is all zero");
                for (int s = 0; s < SAMPLES_PER_PARAMETER; s++) {
                    int i = pick.nextInt(g.length);
                    double plus = lossWith(model, p, i, +h, tokens);
                    double minus = lossWith(model, p, i, -h, tokens);
                    double fd = (plus - minus) / (2 * h);
                    double tol = 1e-7 + 1e-5 * Math.abs(fd);
                    if (!(Math.abs(fd - g[i]) <= tol)) {
                        failures.add(e.getKey() + "[" + i + "]: analytic " + g[i] + ", finite difference " + fd);
                    }
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            assertEquals(params.size(), analytic.size());
        }
    }

    /** The loss with entry {@code i} of {@code p} shifted by {@code delta} (restored afterwards). */
    private static double lossWith(LlamaModel model, Parameter p, int i, double delta, int[] tokens) {
        NDArray original = p.value();
        double[] v = original.toDoubleArray();
        v[i] += delta;
        NDManager m = original.getManager();
        NDArray shifted = m.create(v, original.getShape());
        NDArray keep = original.duplicate();
        p.setValue(shifted);
        try (NDManager scope = m.newSubManager()) {
            NDArray idArr = scope.create(tokens, new Shape(2, 10));
            return NextTokenLoss.mean(model.logits(scope, idArr), idArr).getDouble();
        } finally {
            p.setValue(keep);
        }
    }

    /**
     * Frees the Java memory of closed arrays and fills freshly allocated native memory with NaN, so a
     * graph that still points into freed memory gives wrong gradients instead of passing by luck.
     */
    static void churnFreedMemory() {
        System.gc();
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (NDManager junk = NDManager.newBaseManager()) {
            for (int i = 0; i < 2000; i++) {
                junk.create(Float.NaN);
                junk.create(Double.NaN);
            }
        }
    }

    @Test
    void stories260KGradientsAreFiniteAndReproducible() {
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            try (NDManager weights = NDManager.newBaseManager()) {
                LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
                Map<String, Parameter> params = model.namedParameters();
                params.values().forEach(p -> p.value().setRequiresGradient(true));
                int[] tokens = ReferenceFixture.tensor("calib_ids").toInts();
                try (NDManager scope = weights.newSubManager()) {
                    NDArray idArr = scope.create(java.util.Arrays.copyOf(tokens, 2 * 256), new Shape(2, 256));
                    Autograd.backward(() -> {
                        NDArray l = NextTokenLoss.mean(model.logits(scope, idArr), idArr);
                        churnFreedMemory();
                        return l;
                    });
                    List<Float> all = new ArrayList<>();
                    for (Map.Entry<String, Parameter> e : params.entrySet()) {
                        float[] g = Autograd.gradient(e.getValue().value(), scope).toFloatArray();
                        for (float x : g) {
                            assertTrue(Float.isFinite(x), e.getKey() + " has a non-finite gradient");
                            all.add(x);
                        }
                    }
                    runs[r] = new float[all.size()];
                    for (int i = 0; i < runs[r].length; i++) {
                        runs[r][i] = all.get(i);
                    }
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(runs[0], runs[1]);
    }
}
