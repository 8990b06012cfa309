package org.prune4j.prune.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.eval.Perplexity;
import org.prune4j.io.SafetensorsFile;
import org.prune4j.io.TensorData;
import org.prune4j.model.ModelLocator;
import org.prune4j.model.llama.LlamaCheckpoint;
import org.prune4j.model.llama.LlamaModel;
import org.prune4j.model.llama.RotaryLayout;
import org.prune4j.prune.PruningMask;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.prune.oneshot.SparseGpt;

/**
 * The whole one-shot pipeline on stories260K against the original implementations
 * (reference/model/stories260K.safetensors): the final mask of every matrix and the perplexity on the
 * pinned evaluation rows.
 */
class ModelLevelReferenceTest {
    private static final Map<String, String> LLAMA2C_NAMES = Map.of(
            "self_attn.q_proj", "attention.wq", "self_attn.k_proj", "attention.wk", "self_attn.v_proj", "attention.wv",
            "self_attn.o_proj", "attention.wo", "mlp.gate_proj", "feed_forward.w1", "mlp.down_proj", "feed_forward.w2",
            "mlp.up_proj", "feed_forward.w3");

    private static SafetensorsFile reference;
    private static LlamaCheckpoint checkpoint;

    @BeforeAll
    static void open() throws Exception {
        reference = SafetensorsFile.open(
                Path.of(ModelLevelReferenceTest.class.getResource("/reference/model/stories260K.safetensors").toURI()));
        checkpoint = ModelLocator.loadLlama("stories260K", null);
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"magnitude, 0.5, unstructured50", "magnitude, 2:4, 2of4", "wanda, 0.5, unstructured50",
            "wanda, 2:4, 2of4", "sparsegpt, 0.5, unstructured50", "sparsegpt, 2:4, 2of4"})
    void masksAndPerplexityMatchTheReference(String methodName, String patternText, String refPattern) {
        OneShotMethod method = OneShotMethod.parse(methodName);
        SparsityPattern pattern = SparsityPattern.parse(patternText);
        CalibrationSet calib = CalibrationSet.fromIds(reference.get("calib_ids"), "calib_ids", 512, 512);
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(checkpoint, weights);
            Map<String, PruningMask> masks = new SequentialPruner(method, new SparseGpt(), 16)
                    .prune(model, calib, name -> pattern);
            assertEquals(35, masks.size());
            long differing = 0;
            long total = 0;
            for (Map.Entry<String, PruningMask> e : masks.entrySet()) {
                byte[] ours = inLlama2cRowOrder(e.getKey(), e.getValue());
                byte[] ref = bytes(reference.get(refMaskName(methodName, refPattern, e.getKey())).toInts());
                assertEquals(ref.length, ours.length, e.getKey());
                for (int i = 0; i < ref.length; i++) {
                    if (ref[i] != ours[i]) {
                        differing++;
                    }
                }
                total += ref.length;
            }
            if (method == OneShotMethod.SPARSEGPT) {
                assertTrue(differing <= total * 1e-4, differing + " of " + total + " mask entries differ");
            } else {
                assertEquals(0, differing, "mask entries differing from the reference");
            }
            int[][] rows = rows(reference.get("eval_ids"));
            double ppl = new Perplexity(model).evaluate(rows).ppl();
            double refPpl = reference.get(methodName + "_" + refPattern + "_ppl").toDoubles()[0];
            System.out.printf(java.util.Locale.ROOT, "%s %s: %d of %d mask entries differ; ppl %.6f, reference %.6f%n",
                    methodName, patternText, differing, total, ppl, refPpl);
            assertEquals(refPpl, ppl, refPpl * 1e-3, "perplexity");
        }
    }

    private static String refMaskName(String method, String pattern, String weightName) {
        String[] parts = weightName.split("\\.");
        int layer = Integer.parseInt(parts[2]);
        String rel = parts[3] + "." + parts[4];
        return method + "_" + pattern + ".layers." + layer + "." + LLAMA2C_NAMES.get(rel) + ".mask";
    }

    /** Our q/k rows are in HF's half-split rotary layout; the reference masks are in llama2.c's. */
    private static byte[] inLlama2cRowOrder(String name, PruningMask mask) {
        byte[] b = mask.prunedBytes();
        int heads = name.contains("q_proj") ? 8 : name.contains("k_proj") ? 4 : 0;
        if (heads == 0) {
            return b;
        }
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            f[i] = b[i];
        }
        float[] g = RotaryLayout.halfSplitToInterleaved(f, heads, 8, mask.cols());
        byte[] out = new byte[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = (byte) g[i];
        }
        return out;
    }

    private static byte[] bytes(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static int[][] rows(TensorData ids) {
        long[] s = ids.shape();
        int[] flat = ids.toInts();
        int[][] rows = new int[(int) s[0]][(int) s[1]];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(flat, r * rows[r].length, rows[r], 0, rows[r].length);
        }
        return rows;
    }
}
