package org.prune4j.internal.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/**
 * Models whose blocks have their own widths, with attention or MLP sublayers removed and compensation
 * biases on {@code o_proj}/{@code down_proj}: they run, round-trip through a Hugging Face directory, and
 * llama2.c output is refused with a reason.
 */
class PerLayerShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LlamaConfig CONFIG =
            new LlamaConfig("LlamaForCausalLM", 16, 24, 3, 4, 2, 4, 40, 64, 10000.0, 1e-5, false, false, 1, 2);
    /** Block 1 has no MLP, block 2 no attention. */
    private static final List<LayerShape> SHAPES =
            List.of(new LayerShape(24, 4, 2), new LayerShape(0, 2, 1), new LayerShape(10, 0, 0));

    @TempDir
    Path tmp;

    private static LlamaCheckpoint heterogeneousWithBiases() {
        LlamaCheckpoint base = TinyCheckpoints.random(CONFIG, SHAPES, 31);
        Map<String, TensorData> t = new LinkedHashMap<>(base.tensors());
        Random rnd = new Random(5);
        t.put(LlamaTensorNames.linearBias(0, "self_attn.o_proj"), TinyCheckpoints.randomTensor(rnd, new long[] {16}));
        t.put(LlamaTensorNames.linearBias(2, "self_attn.o_proj"), TinyCheckpoints.randomTensor(rnd, new long[] {16}));
        t.put(LlamaTensorNames.linearBias(1, "mlp.down_proj"), TinyCheckpoints.randomTensor(rnd, new long[] {16}));
        t.put(LlamaTensorNames.linearBias(2, "mlp.down_proj"), TinyCheckpoints.randomTensor(rnd, new long[] {16}));
        return base.withTensors(t);
    }

    private static float[] logits(LlamaCheckpoint ckpt, int[] ids) {
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, m);
            NDArray x = m.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length));
            return model.logits(m, x).toFloatArray();
        }
    }

    private static final int[] IDS = {1, 5, 9, 33, 2, 17, 0, 39, 12, 8};

    @Test
    void removedSublayersAddOnlyTheirBias() {
        LlamaCheckpoint pruned = heterogeneousWithBiases();
        // the same model written with full-width sublayers whose weights are zero: identical logits
        Map<String, TensorData> full = new LinkedHashMap<>(pruned.tensors());
        Random rnd = new Random(3);
        full.put(LlamaTensorNames.linearWeight(1, "mlp.gate_proj"), TinyCheckpoints.randomTensor(rnd, new long[] {24, 16}));
        full.put(LlamaTensorNames.linearWeight(1, "mlp.up_proj"), TinyCheckpoints.randomTensor(rnd, new long[] {24, 16}));
        full.put(LlamaTensorNames.linearWeight(1, "mlp.down_proj"), TensorData.ofFloats(new long[] {16, 24}, new float[16 * 24]));
        for (String p : List.of("q_proj", "k_proj", "v_proj")) {
            long rows = p.equals("q_proj") ? 16 : 8;
            full.put(LlamaTensorNames.linearWeight(2, "self_attn." + p), TinyCheckpoints.randomTensor(rnd, new long[] {rows, 16}));
        }
        full.put(LlamaTensorNames.linearWeight(2, "self_attn.o_proj"), TensorData.ofFloats(new long[] {16, 16}, new float[256]));
        float[] a = logits(pruned, IDS);
        float[] b = logits(pruned.withTensors(full), IDS);
        assertEquals(a.length, b.length);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxDiff < 1e-5, "max |logit difference| " + maxDiff);

        // and the biases matter: without them the logits change
        Map<String, TensorData> noBias = new LinkedHashMap<>(pruned.tensors());
        noBias.keySet().removeIf(n -> n.endsWith(".bias"));
        float[] c = logits(pruned.withTensors(noBias), IDS);
        double change = 0;
        for (int i = 0; i < a.length; i++) {
            change = Math.max(change, Math.abs(a[i] - c[i]));
        }
        assertTrue(change > 1e-3, "biases change the logits: " + change);
    }

    @Test
    void heterogeneousModelRoundTripsThroughAHuggingFaceDirectory() throws Exception {
        LlamaCheckpoint pruned = heterogeneousWithBiases();
        Path dir = tmp.resolve("hetero");
        HfFormat.write(pruned, dir);
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        JsonNode listed = cfg.get(HfConfig.LAYER_SHAPES_KEY);
        assertEquals(3, listed.size());
        assertEquals(0, listed.get(1).get("intermediate_size").asInt());
        assertEquals(0, listed.get(2).get("num_attention_heads").asInt());
        assertEquals(0, listed.get(2).get("num_key_value_heads").asInt());
        assertTrue(cfg.get("attention_bias").asBoolean());
        assertTrue(cfg.get("mlp_bias").asBoolean());

        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(SHAPES, LayerShape.of(back));
        for (Map.Entry<String, TensorData> e : pruned.tensors().entrySet()) {
            assertEquals(e.getValue(), back.tensor(e.getKey()), e.getKey());
        }
        // the flags cover every projection: the ones without a bias of their own get zeros
        TensorData qBias = back.tensor(LlamaTensorNames.linearBias(0, "self_attn.q_proj"));
        for (float v : qBias.toFloats()) {
            assertEquals(0f, v);
        }
        assertEquals(0, back.tensor(LlamaTensorNames.linearBias(0, "mlp.gate_proj")).toFloats()[0]);
        float[] a = logits(pruned, IDS);
        float[] b = logits(back, IDS);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6, "logit " + i);
        }
    }

    @Test
    void uniformlyPrunedModelWithBiasesHasAStandardConfig() throws Exception {
        LlamaConfig c = TinyCheckpoints.llama();
        List<LayerShape> uniform = List.of(new LayerShape(12, 2, 1), new LayerShape(12, 2, 1));
        LlamaCheckpoint base = TinyCheckpoints.random(c, uniform, 41);
        Map<String, TensorData> t = new LinkedHashMap<>(base.tensors());
        t.put(LlamaTensorNames.linearBias(1, "self_attn.o_proj"), TinyCheckpoints.randomTensor(new Random(1), new long[] {16}));
        Path dir = tmp.resolve("uniform");
        HfFormat.write(base.withTensors(t), dir);
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertNull(cfg.get(HfConfig.LAYER_SHAPES_KEY));
        assertEquals(2, cfg.get("num_attention_heads").asInt());
        assertEquals(1, cfg.get("num_key_value_heads").asInt());
        assertEquals(4, cfg.get("head_dim").asInt());
        assertEquals(12, cfg.get("intermediate_size").asInt());
        assertTrue(cfg.get("attention_bias").asBoolean());
        assertFalse(cfg.get("mlp_bias").asBoolean());
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(uniform, LayerShape.of(back));
        assertEquals(t.get(LlamaTensorNames.linearBias(1, "self_attn.o_proj")),
                back.tensor(LlamaTensorNames.linearBias(1, "self_attn.o_proj")));
    }

    @Test
    void llama2cOutputOfAHeterogeneousOrBiasedModelSaysWhyAndWhatToUse() {
        Path bin = tmp.resolve("out.bin");
        LlamaConfig c = new LlamaConfig("LlamaForCausalLM", 16, 24, 3, 4, 2, 4, 40, 64, 10000.0, 1e-5, false, false, 1, 2);
        UserError hetero = assertThrows(UserError.class,
                () -> Llama2cFormat.write(TinyCheckpoints.random(c, SHAPES, 2), bin));
        assertTrue(hetero.getMessage().contains("different widths") || hetero.getMessage().contains("one width"),
                hetero.getMessage());
        assertTrue(hetero.getMessage().contains("write a Hugging Face directory instead"), hetero.getMessage());
        assertFalse(hetero.getMessage().contains("\n"));
        UserError biased = assertThrows(UserError.class, () -> Llama2cFormat.write(heterogeneousWithBiases(), bin));
        assertTrue(biased.getMessage().contains("biases") && biased.getMessage().contains("Hugging Face directory"),
                biased.getMessage());
        assertFalse(Files.exists(bin));
    }
}
