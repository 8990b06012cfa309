package org.prune4j.internal.io.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.cli.Main;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.io.hf.TinyCheckpoints;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OutputTensor;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/** Llama-family ONNX exports run in ONNX Runtime and give prune4j's logits. */
class LlamaOnnxExportTest {
    private static final double TOLERANCE = 1e-4;
    /** Two rows of stories260K token ids (a TinyStories prompt and another). */
    private static final int[][] ROWS = {
        {1, 403, 407, 261, 378, 280, 294, 269, 265, 400, 428, 300},
        {1, 320, 279, 301, 266, 310, 290, 262, 271, 389, 270, 263},
    };

    @TempDir
    Path dir;

    @Test
    void stories260KLogitsMatchPrune4j() {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        assertClose(prune4jLogits(ckpt, ROWS), ortLogits(LlamaOnnxExport.build(ckpt, OnnxExportOptions.defaults()), ROWS), "stories260K");
    }

    @Test
    void flapPrunedPerLayerModelLogitsMatchPrune4j() {
        Path pruned = dir.resolve("flap");
        assertEquals(0, Main.run("prune", "--model", "stories260K", "--method", "flap", "--ratio", "0.3", "--max-eval-windows", "1",
                "--out", pruned.toString()));
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(pruned.toString(), null);
        List<LayerShape> shapes = LayerShape.of(ckpt);
        assertTrue(!LayerShape.isUniform(shapes), "FLAP leaves blocks of different widths: " + shapes);
        assertTrue(ckpt.tensors().keySet().stream().anyMatch(n -> n.endsWith("o_proj.bias") || n.endsWith("down_proj.bias")),
                "bias compensation");
        ModelProto m = LlamaOnnxExport.build(ckpt, OnnxExportOptions.defaults());
        assertClose(prune4jLogits(ckpt, ROWS), ortLogits(m, ROWS), "FLAP 0.3");
        assertCacheLoopMatches(ckpt, "FLAP 0.3");
    }

    @Test
    void removedSublayersBiasesAndGroupedHeadsMatchPrune4j() {
        LlamaCheckpoint ckpt = heterogeneous();
        int[][] rows = {{1, 5, 9, 33, 2, 17, 4}, {3, 3, 8, 21, 39, 0, 11}};
        assertClose(prune4jLogits(ckpt, rows), ortLogits(LlamaOnnxExport.build(ckpt, OnnxExportOptions.defaults()), rows), "per-layer");
        LlamaCheckpoint qwen = TinyCheckpoints.random(TinyCheckpoints.qwen2(), 7);
        assertClose(prune4jLogits(qwen, rows), ortLogits(LlamaOnnxExport.build(qwen, OnnxExportOptions.defaults()), rows), "qwen2 tied, q/k/v bias");
    }

    @Test
    void cacheExportDecodesTokenByTokenLikeTheFullSequence() {
        assertCacheLoopMatches(ModelLocator.loadLlama("stories260K", null), "stories260K");
        assertCacheLoopMatches(heterogeneous(), "per-layer with removed sublayers");
    }

    @Test
    void float16WeightsHalveTheFileAndStayClose() {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        ModelProto f32 = LlamaOnnxExport.build(ckpt, OnnxExportOptions.defaults());
        ModelProto f16 = LlamaOnnxExport.build(ckpt, new OnnxExportOptions(OnnxDataType.FLOAT16, false));
        assertTrue(f16.getSerializedSize() < 0.6 * f32.getSerializedSize(), f16.getSerializedSize() + " vs " + f32.getSerializedSize());
        float[] a = ortLogits(f32, ROWS);
        float[] b = ortLogits(f16, ROWS);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxDiff > 0 && maxDiff < 0.1, "f16 weights change the logits a little: " + maxDiff);
    }

    /** Block 0: GQA with o_proj bias; block 1: no MLP (down_proj bias kept); block 2: no attention (o_proj bias kept). */
    static LlamaCheckpoint heterogeneous() {
        LlamaConfig config = new LlamaConfig("LlamaForCausalLM", 16, 24, 3, 4, 2, 4, 40, 64, 10000.0, 1e-5, false, false, 1, 2);
        List<LayerShape> shapes = List.of(new LayerShape(24, 4, 2), new LayerShape(0, 2, 1), new LayerShape(10, 0, 0));
        LlamaCheckpoint base = TinyCheckpoints.random(config, shapes, 31);
        Map<String, TensorData> t = new LinkedHashMap<>(base.tensors());
        Random rnd = new Random(5);
        for (String bias : new String[] {LlamaTensorNames.linearBias(0, "self_attn.o_proj"), LlamaTensorNames.linearBias(2, "self_attn.o_proj"),
            LlamaTensorNames.linearBias(1, "mlp.down_proj"), LlamaTensorNames.linearBias(2, "mlp.down_proj")}) {
            float[] v = new float[16];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian() * 0.1f;
            }
            t.put(bias, TensorData.ofFloats(new long[] {16}, v));
        }
        return base.withTensors(t);
    }

    /** Feeding one token at a time with the present → past loop gives the logits of the whole-sequence run. */
    private static void assertCacheLoopMatches(LlamaCheckpoint ckpt, String what) {
        ModelProto m = LlamaOnnxExport.build(ckpt, new OnnxExportOptions(OnnxDataType.FLOAT, true));
        List<LayerShape> shapes = LayerShape.of(ckpt);
        int hd = ckpt.config().headDim();
        int[] row = ROWS[0].clone();
        int vocab = ckpt.config().vocabSize();
        for (int k = 0; k < row.length; k++) {
            row[k] = row[k] % vocab;
        }
        float[] full = prune4jLogits(ckpt, new int[][] {row});
        try (OnnxRunner ort = OnnxRunner.open(m, what, 1)) {
            Map<String, float[]> cache = new LinkedHashMap<>();
            float[] stepwise = new float[full.length];
            for (int pos = 0; pos < row.length; pos++) {
                Map<String, InputTensor> in = new LinkedHashMap<>();
                in.put("input_ids", InputTensor.ofLongs(OnnxDataType.INT64, new long[] {1, 1}, new long[] {row[pos]}));
                long[] mask = new long[pos + 1];
                java.util.Arrays.fill(mask, 1);
                in.put("attention_mask", InputTensor.ofLongs(OnnxDataType.INT64, new long[] {1, pos + 1}, mask));
                in.put("position_ids", InputTensor.ofLongs(OnnxDataType.INT64, new long[] {1, 1}, new long[] {pos}));
                for (int i = 0; i < shapes.size(); i++) {
                    if (shapes.get(i).numHeads() == 0) {
                        continue;
                    }
                    for (int kv = 0; kv < 2; kv++) {
                        String past = LlamaOnnxExport.pastNames(i).get(kv);
                        float[] values = cache.getOrDefault(LlamaOnnxExport.presentNames(i).get(kv), new float[0]);
                        in.put(past, InputTensor.ofFloats(new long[] {1, shapes.get(i).numKvHeads(), pos, hd}, values));
                    }
                }
                Map<String, OutputTensor> out = ort.run(in, List.of());
                System.arraycopy(out.get("logits").values(), 0, stepwise, pos * vocab, vocab);
                for (Map.Entry<String, OutputTensor> e : out.entrySet()) {
                    if (e.getKey().startsWith("present.")) {
                        assertEquals(pos + 1, e.getValue().shape()[2], e.getKey());
                        cache.put(e.getKey(), e.getValue().values());
                    }
                }
            }
            assertClose(full, stepwise, what + ", token by token through the cache");
        }
    }

    static float[] prune4jLogits(LlamaCheckpoint ckpt, int[][] rows) {
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, m);
            int[] flat = new int[rows.length * rows[0].length];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
            }
            return model.logits(m, m.create(flat, new Shape(rows.length, rows[0].length))).toFloatArray();
        }
    }

    static float[] ortLogits(ModelProto model, int[][] rows) {
        long[] ids = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < rows[0].length; k++) {
                ids[r * rows[0].length + k] = rows[r][k];
            }
        }
        try (OnnxRunner ort = OnnxRunner.open(model, "export", 1)) {
            Map<String, InputTensor> in = Map.of("input_ids", InputTensor.ofLongs(OnnxDataType.INT64, new long[] {rows.length, rows[0].length}, ids));
            return ort.run(in, List.of("logits")).get("logits").values();
        }
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": logits count");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf(java.util.Locale.ROOT, "%s: max |prune4j - onnxruntime| = %.3g%n", what, max);
        assertTrue(max <= TOLERANCE, what + ": max difference " + max);
    }
}
