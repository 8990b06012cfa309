package org.prune4j.internal.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaModel;

/** The Nemotron-NAS / DeciLM {@code block_configs} layout: what it expresses, the round trip, the refusals. */
class NemotronNasLayoutTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] IDS = {1, 5, 9, 33, 2, 17, 0, 39, 12, 8};

    /** Width 16, 4 heads of 4 with 2 kv heads, MLP 512, 4 blocks. */
    private static LlamaConfig config() {
        return new LlamaConfig("LlamaForCausalLM", 16, 512, 4, 4, 2, 4, 40, 64, 10000.0, 1e-5, false, false, 1, 2);
    }

    /** Blocks: full; 1 kv head and MLP 256; MLP removed (4 kv heads); attention removed (MLP 256). */
    private static final List<LayerShape> SHAPES = List.of(new LayerShape(512, 4, 2), new LayerShape(256, 4, 1),
            new LayerShape(0, 4, 4), new LayerShape(256, 0, 0));

    private static float[] logits(LlamaCheckpoint ckpt) {
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, m);
            NDArray x = m.create(IDS, new ai.djl.ndarray.types.Shape(1, IDS.length));
            return model.logits(m, x).toFloatArray();
        }
    }

    @Test
    void deciLmWidthsAreMultiplesOf256AsItsCodeComputesThem() {
        // int(2 * ffn_mult * n_embd / 3), rounded up to a multiple of 256, computed by hand
        assertEquals(28672, NemotronNasLayout.intermediateSize(5.25, 8192)); // 28672 exactly
        assertEquals(7168, NemotronNasLayout.intermediateSize(1.3, 8192)); // 7099.7 -> 7099 -> 7168
        assertEquals(256, NemotronNasLayout.intermediateSize(0.1, 64)); // 4.27 -> 4 -> 256
        for (int hidden : new int[] {16, 64, 288, 4096, 8192}) {
            for (int w = 256; w <= 65536; w += 256) {
                double m = NemotronNasLayout.ffnMult(w, hidden);
                assertEquals(w, NemotronNasLayout.intermediateSize(m, hidden), "width " + w + " at hidden " + hidden);
            }
        }
        assertTrue(Double.isNaN(NemotronNasLayout.ffnMult(172, 64)));
        assertTrue(Double.isNaN(NemotronNasLayout.ffnMult(0, 64)));
    }

    @Test
    void perLayerModelRoundTripsWithIdenticalLogits() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(config(), SHAPES, 11);
        Path dir = tmp.resolve("nas");
        HfFormat.writeNemotronNas(ckpt, dir, HfWriteOptions.defaults());
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals("DeciLMForCausalLM", cfg.get("architectures").get(0).asText());
        assertEquals("nemotron-nas", cfg.get("model_type").asText());
        assertEquals(4, cfg.get("num_attention_heads").asInt());
        assertFalse(cfg.has("intermediate_size"));
        assertFalse(cfg.has(HfConfig.LAYER_SHAPES_KEY));
        JsonNode b = cfg.get("block_configs");
        assertEquals(4, b.size());
        assertEquals(2, b.get(0).get("attention").get("n_heads_in_group").asInt());
        assertEquals(48.0, b.get(0).get("ffn").get("ffn_mult").asDouble()); // 3 * 512 / (2 * 16)
        assertEquals(4, b.get(1).get("attention").get("n_heads_in_group").asInt());
        assertEquals(24.0, b.get(1).get("ffn").get("ffn_mult").asDouble());
        assertEquals(1, b.get(2).get("attention").get("n_heads_in_group").asInt());
        assertTrue(b.get(2).get("ffn").get("no_op").asBoolean());
        assertTrue(b.get(3).get("attention").get("no_op").asBoolean());
        assertFalse(b.get(3).get("attention").get("replace_with_linear").asBoolean());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertFalse(f.contains("model.layers.3.self_attn.q_proj.weight"));
            assertFalse(f.contains("model.layers.3.input_layernorm.weight"));
            assertFalse(f.contains("model.layers.2.mlp.gate_proj.weight"));
            assertFalse(f.contains("model.layers.2.post_attention_layernorm.weight"));
            assertArrayEquals(new long[] {4, 16}, f.entry("model.layers.1.self_attn.k_proj.weight").shape());
            assertArrayEquals(new long[] {256, 16}, f.entry("model.layers.3.mlp.up_proj.weight").shape());
        }
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(SHAPES, LayerShape.of(back));
        assertArrayEquals(logits(ckpt), logits(back));
    }

    @Test
    void aWidthTheLayoutCannotExpressIsOneLineNamingTheLayerAndRoundTo() {
        List<LayerShape> shapes = List.of(new LayerShape(512, 4, 2), new LayerShape(300, 4, 2), new LayerShape(172, 4, 2),
                new LayerShape(512, 4, 2));
        Path dir = tmp.resolve("nas");
        UserError e = assertThrows(UserError.class,
                () -> HfFormat.writeNemotronNas(TinyCheckpoints.random(config(), shapes, 12), dir, HfWriteOptions.defaults()));
        assertTrue(e.getMessage().contains("layer 1 has an MLP width of 300") && e.getMessage().contains("--round-to 256"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(dir));
    }

    @Test
    void queryHeadsOtherThanTheModelsAreRefused() {
        List<LayerShape> shapes = List.of(new LayerShape(512, 4, 2), new LayerShape(512, 4, 2), new LayerShape(512, 2, 1),
                new LayerShape(512, 4, 2));
        UserError e = assertThrows(UserError.class, () -> HfFormat.writeNemotronNas(
                TinyCheckpoints.random(config(), shapes, 13), tmp.resolve("nas"), HfWriteOptions.defaults()));
        assertTrue(e.getMessage().contains("layer 2 has 2 query heads") && e.getMessage().contains("num_attention_heads 4"),
                e.getMessage());
    }

    private Path withBlock(int i, String sublayer, String key, Object value) throws Exception {
        Path dir = tmp.resolve("nas");
        HfFormat.writeNemotronNas(TinyCheckpoints.random(config(), SHAPES, 14), dir, HfWriteOptions.defaults());
        ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        ObjectNode sub = (ObjectNode) cfg.get("block_configs").get(i).get(sublayer);
        sub.set(key, JSON.valueToTree(value));
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        return dir;
    }

    @Test
    void linearReplacementsAndBadGroupsAreOneLineErrorsOnRead() throws Exception {
        UserError linear = assertThrows(UserError.class, () -> HfFormat.read(withBlock(1, "ffn", "replace_with_linear", true), null));
        assertTrue(linear.getMessage().contains("block_configs[1]: not supported yet: replace_with_linear"), linear.getMessage());
        UserError group = assertThrows(UserError.class, () -> HfFormat.read(withBlock(0, "attention", "n_heads_in_group", 3), null));
        assertTrue(group.getMessage().contains("block_configs[0].attention.n_heads_in_group must be a positive divisor"),
                group.getMessage());
    }
}
