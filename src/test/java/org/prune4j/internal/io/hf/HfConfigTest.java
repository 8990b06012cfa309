package org.prune4j.internal.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.model.llama.LlamaConfig;

class HfConfigTest {
    @TempDir
    Path dir;

    /** Shaped like TinyLlama/Llama-2 configs, scaled down. */
    static final String LLAMA2 = """
            {
              "architectures": ["LlamaForCausalLM"],
              "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
              "hidden_size": 64, "initializer_range": 0.02, "intermediate_size": 172,
              "max_position_embeddings": 2048, "model_type": "llama",
              "num_attention_heads": 8, "num_hidden_layers": 5, "num_key_value_heads": 4,
              "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null,
              "tie_word_embeddings": false, "torch_dtype": "bfloat16",
              "transformers_version": "4.35.0", "use_cache": true, "vocab_size": 512
            }""";

    private HfConfig parse(String json) throws Exception {
        Path f = Files.createTempFile(dir, "config", ".json");
        Files.writeString(f, json);
        return HfConfig.read(f);
    }

    private UserError bad(String json) throws Exception {
        Path f = Files.createTempFile(dir, "config", ".json");
        Files.writeString(f, json);
        UserError e = assertThrows(UserError.class, () -> HfConfig.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void readsALlama2Config() throws Exception {
        HfConfig h = parse(LLAMA2);
        LlamaConfig c = h.llama();
        assertEquals(new LlamaConfig("LlamaForCausalLM", 64, 172, 5, 8, 4, 8, 512, 2048, 10000.0, 1e-5, false, false, 1, 2), c);
        assertEquals(HfArchitecture.LLAMA, h.architecture());
        assertTrue(h.isUniform());
        assertEquals(5, h.layerShapes().size());
    }

    @Test
    void appliesTheTransformersDefaults() throws Exception {
        HfConfig h = parse("""
                {"model_type": "llama", "hidden_size": 96, "intermediate_size": 256, "num_hidden_layers": 2,
                 "num_attention_heads": 6, "vocab_size": 100}""");
        LlamaConfig c = h.llama();
        assertEquals("LlamaForCausalLM", c.architecture());
        assertEquals(6, c.numKvHeads(), "kv heads default to heads");
        assertEquals(16, c.headDim(), "head_dim defaults to hidden / heads");
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(2048, c.maxPositions());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.attentionBias());
        assertEquals(1, c.bosTokenId());
        assertEquals(2, c.eosTokenId());
    }

    @Test
    void readsAMistralConfigWithGroupedQueryAttention() throws Exception {
        HfConfig h = parse("""
                {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": 128,
                 "intermediate_size": 448, "num_hidden_layers": 3, "num_attention_heads": 8, "num_key_value_heads": 2,
                 "max_position_embeddings": 32768, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                 "sliding_window": null, "tie_word_embeddings": false, "vocab_size": 32768, "hidden_act": "silu"}""");
        LlamaConfig c = h.llama();
        assertEquals(HfArchitecture.MISTRAL, h.architecture());
        assertEquals(8, c.numHeads());
        assertEquals(2, c.numKvHeads());
        assertEquals(4, c.groupSize());
        assertEquals(16, c.headDim());
        assertEquals(32, c.kvDim());
        assertEquals(1000000.0, c.ropeTheta());
        assertFalse(c.attentionBias());
        // a window covering the whole context changes nothing and is accepted
        HfConfig wide = parse(LLAMA2.replace("LlamaForCausalLM", "MistralForCausalLM").replace("\"llama\"", "\"mistral\"")
                .replace("\"use_cache\"", "\"sliding_window\": 2048, \"use_cache\""));
        assertEquals(HfArchitecture.MISTRAL, wide.architecture());
    }

    @Test
    void refusesAnEffectiveSlidingWindow() throws Exception {
        String mistral = LLAMA2.replace("LlamaForCausalLM", "MistralForCausalLM").replace("\"llama\"", "\"mistral\"")
                .replace("\"use_cache\"", "\"sliding_window\": 1024, \"use_cache\"");
        assertTrue(bad(mistral).getMessage().contains("not supported yet: sliding_window 1024"));
        String qwenOn = LLAMA2.replace("LlamaForCausalLM", "Qwen2ForCausalLM").replace("\"llama\"", "\"qwen2\"")
                .replace("\"use_cache\"", "\"use_sliding_window\": true, \"sliding_window\": 1024, \"use_cache\"");
        assertTrue(bad(qwenOn).getMessage().contains("not supported yet: sliding_window"));
        String qwenOff = qwenOn.replace("\"use_sliding_window\": true", "\"use_sliding_window\": false");
        assertEquals(HfArchitecture.QWEN2, parse(qwenOff).architecture());
    }

    @Test
    void readsAQwen2ConfigWithBiasesAndTiedEmbeddings() throws Exception {
        HfConfig h = parse("""
                {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
                 "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 56, "intermediate_size": 152,
                 "max_position_embeddings": 32768, "max_window_layers": 21, "model_type": "qwen2",
                 "num_attention_heads": 14, "num_hidden_layers": 2, "num_key_value_heads": 2,
                 "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768,
                 "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true,
                 "use_sliding_window": false, "vocab_size": 151936}""");
        LlamaConfig c = h.llama();
        assertEquals(HfArchitecture.QWEN2, h.architecture());
        assertTrue(c.attentionBias(), "Qwen2 always has q/k/v biases");
        assertTrue(c.tieWordEmbeddings());
        assertEquals(4, c.headDim());
        assertEquals(151643, c.bosTokenId());
        assertEquals(151645, c.eosTokenId());
        assertEquals(1e-6, c.rmsNormEps());
        HfConfig noIds = parse("""
                {"model_type": "qwen2", "hidden_size": 56, "intermediate_size": 152, "num_hidden_layers": 2,
                 "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 300}""");
        assertEquals(HfConfig.NO_TOKEN, noIds.llama().bosTokenId());
        assertEquals(32768, noIds.llama().maxPositions());
    }

    @Test
    void readsALlama3StyleConfig() throws Exception {
        HfConfig h = parse("""
                {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
                 "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "head_dim": 32,
                 "hidden_act": "silu", "hidden_size": 128, "intermediate_size": 512,
                 "max_position_embeddings": 8192, "mlp_bias": false, "model_type": "llama",
                 "num_attention_heads": 8, "num_hidden_layers": 2, "num_key_value_heads": 2,
                 "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 500000.0,
                 "tie_word_embeddings": false, "vocab_size": 128256}""");
        LlamaConfig c = h.llama();
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(128256, c.vocabSize());
        assertEquals(32, c.headDim(), "an explicit head_dim wins over hidden / heads");
        assertEquals(256, c.qDim(), "q width is heads x head_dim, not hidden_size");
        assertEquals(128000, c.bosTokenId());
        assertEquals(128001, c.eosTokenId(), "a list of eos ids gives the first");
        // transformers 5 moves rope_theta into rope_parameters
        HfConfig v5 = parse(LLAMA2.replace("\"rope_scaling\": null",
                "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 500000.0}"));
        assertEquals(500000.0, v5.llama().ropeTheta());
    }

    @Test
    void refusesWhatTheForwardPassDoesNotImplement() throws Exception {
        String scaled = LLAMA2.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}");
        assertTrue(bad(scaled).getMessage().endsWith("not supported yet: rope_scaling type llama3"), bad(scaled).getMessage());
        String linear = LLAMA2.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}");
        assertTrue(bad(linear).getMessage().contains("not supported yet: rope_scaling type linear"));
        assertTrue(bad(LLAMA2.replace("\"silu\"", "\"gelu\"")).getMessage().contains("not supported yet: hidden_act gelu"));
    }

    @Test
    void readsLlamaBiasFlags() throws Exception {
        HfConfig mlp = parse(LLAMA2.replace("\"use_cache\"", "\"mlp_bias\": true, \"use_cache\""));
        assertTrue(mlp.mlpBias());
        assertFalse(mlp.outputBias());
        HfConfig attn = parse(LLAMA2.replace("\"use_cache\"", "\"attention_bias\": true, \"use_cache\""));
        assertTrue(attn.outputBias());
        assertTrue(attn.llama().attentionBias(), "attention_bias covers q/k/v too");
        assertFalse(attn.mlpBias());
    }

    @Test
    void namesUnknownArchitecturesAndBadValues() throws Exception {
        UserError e = bad(LLAMA2.replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        assertTrue(e.getMessage().endsWith(": unknown architecture GPT2LMHeadModel (supported: "
                + "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)"), e.getMessage());
        assertTrue(bad("{\"model_type\": \"gpt2\", \"hidden_size\": 4}").getMessage().contains("unknown model_type gpt2"));
        assertTrue(bad("{\"hidden_size\": 4}").getMessage().contains("names no architecture"));
        assertTrue(bad(LLAMA2.replace("\"hidden_size\": 64,", "")).getMessage().endsWith("missing hidden_size"));
        assertTrue(bad(LLAMA2.replace("\"hidden_size\": 64", "\"hidden_size\": \"64\"")).getMessage()
                .contains("hidden_size must be an integer"));
        assertTrue(bad(LLAMA2.replace("\"num_key_value_heads\": 4", "\"num_key_value_heads\": 3")).getMessage()
                .contains("not a multiple of 3 key/value heads"));
        assertTrue(bad(LLAMA2.replace("\"hidden_size\": 64", "\"hidden_size\": 0")).getMessage().contains("must be positive"));
        assertTrue(bad(LLAMA2.replace("\"hidden_size\": 64", "\"hidden_size\": 60")).getMessage()
                .contains("not a multiple of num_attention_heads"));
        assertTrue(bad(LLAMA2.replace("\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": -1")).getMessage()
                .contains("rms_norm_eps must be a positive number"));
        assertTrue(bad("{\"architectures\": [\"LlamaForCausalLM\"],").getMessage().contains("not valid JSON"));
        assertTrue(bad("[1, 2]").getMessage().contains("not a JSON object"));
        UserError missing = assertThrows(UserError.class, () -> HfConfig.read(dir.resolve("nope.json")));
        assertTrue(missing.getMessage().endsWith("nope.json: no such file"));
    }

    @Test
    void layerShapesAreReadAndValidated() throws Exception {
        String shapes = LLAMA2.replace("\"num_hidden_layers\": 5", "\"num_hidden_layers\": 2").replace("\"use_cache\"",
                "\"prune4j_layer_shapes\": [{\"intermediate_size\": 100, \"num_attention_heads\": 4, \"num_key_value_heads\": 2},"
                        + " {\"intermediate_size\": 0, \"num_attention_heads\": 8, \"num_key_value_heads\": 4}], \"use_cache\"");
        HfConfig h = parse(shapes);
        assertEquals(List.of(new LayerShape(100, 4, 2), new LayerShape(0, 8, 4)), h.layerShapes());
        assertFalse(h.isUniform());
        assertTrue(bad(shapes.replace("\"num_key_value_heads\": 2}", "\"num_key_value_heads\": 3}")).getMessage()
                .contains("prune4j_layer_shapes[0]: 4 query heads is not a multiple of 3 key/value heads"));
        assertTrue(bad(shapes.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3")).getMessage()
                .contains("prune4j_layer_shapes must list 3 blocks"));
    }

    @Test
    void writtenConfigsReadBackIdenticallyForEveryArchitecture() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (LlamaConfig c : List.of(TinyCheckpoints.llama(), TinyCheckpoints.qwen2(),
                new LlamaConfig("MistralForCausalLM", 32, 64, 2, 4, 1, 8, 50, 4096, 1e6, 1e-5, false, false, 1, 2),
                new LlamaConfig("Qwen2ForCausalLM", 16, 24, 1, 4, 2, 4, 40, 128, 1e6, 1e-6, false, true,
                        HfConfig.NO_TOKEN, HfConfig.NO_TOKEN))) {
            for (DType d : List.of(DType.F32, DType.BF16, DType.F16)) {
                String text = HfConfig.uniform(c).toJson(d);
                JsonNode root = json.readTree(text);
                assertEquals(c.architecture(), root.get("architectures").get(0).asText());
                assertEquals(HfConfig.torchDtypeName(d), root.get("torch_dtype").asText());
                assertNull(root.get(HfConfig.LAYER_SHAPES_KEY), "uniform models carry no layer shapes");
                assertEquals(HfConfig.uniform(c), parse(text), c.architecture() + " " + d);
            }
        }
        List<LayerShape> pruned = List.of(new LayerShape(10, 2, 1), new LayerShape(24, 4, 2));
        HfConfig nonUniform = new HfConfig(TinyCheckpoints.llama(), pruned);
        assertEquals(nonUniform, parse(nonUniform.toJson(DType.F32)));
    }

    @Test
    void refusesToDescribeBiasesTheArchitectureCannotHold() {
        LlamaConfig llamaWithBias = new LlamaConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 40, 64, 1e4, 1e-5,
                false, true, 1, 2);
        UserError e = assertThrows(UserError.class, () -> HfConfig.uniform(llamaWithBias).toJson(DType.F32));
        assertTrue(e.getMessage().contains("LlamaForCausalLM config for a model with q/k/v biases"), e.getMessage());
    }
}
