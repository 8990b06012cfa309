package org.prune4j.internal.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;

class HfFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static void assertSameTensors(Map<String, TensorData> expected, Map<String, TensorData> actual) {
        assertNull(TinyCheckpoints.firstDifference(expected, actual));
    }

    private static UserError assertOneLineError(Runnable r, String... fragments) {
        UserError e = assertThrows(UserError.class, r::run);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReadsASingleFileModel() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 1);
        Path dir = tmp.resolve("llama");
        HfFormat.write(ckpt, dir);
        assertEquals(List.of("config.json", "model.safetensors"), fileNames(dir));
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(List.copyOf(ckpt.tensors().keySet()), List.copyOf(f.names()), "canonical order");
        }
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals("float32", cfg.get("torch_dtype").asText());
        assertEquals("llama", cfg.get("model_type").asText());
        assertEquals(2, cfg.get("num_key_value_heads").asInt());

        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(ckpt.config(), back.config());
        assertEquals(CheckpointFormat.HF, back.format());
        assertEquals(dir, back.source());
        assertNull(back.tokenizer());
        assertSameTensors(ckpt.tensors(), back.tensors());
        // the same through --model PATH
        assertSameTensors(ckpt.tensors(), ModelLocator.loadLlama(dir.toString(), null).tensors());
    }

    @Test
    void shardsPastTheLimitAndReadsShardsBack() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 2);
        Path dir = tmp.resolve("sharded");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withMaxShardBytes(4000));
        List<String> files = fileNames(dir);
        List<String> shards = files.stream().filter(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).toList();
        assertTrue(shards.size() > 2, files.toString());
        assertFalse(files.contains("model.safetensors"));
        assertTrue(shards.get(0).endsWith("-of-" + String.format("%05d", shards.size()) + ".safetensors"));
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        long total = 0;
        Set<String> mapped = new HashSet<>();
        for (var e : index.get("weight_map").properties()) {
            mapped.add(e.getKey());
            assertTrue(shards.contains(e.getValue().asText()));
            total += ckpt.tensor(e.getKey()).bytes().remaining();
        }
        assertEquals(ckpt.tensors().keySet(), mapped);
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        for (String s : shards) {
            long size = Files.size(dir.resolve(s));
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(s))) {
                long data = f.entries().values().stream().mapToLong(x -> x.end() - x.begin()).sum();
                assertTrue(data <= 4000 || f.names().size() == 1, s + " holds " + data + " bytes");
                assertTrue(size > data);
            }
        }
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(ckpt.config(), back.config());
        assertSameTensors(ckpt.tensors(), back.tensors());
    }

    @Test
    void storesBf16AndF16AndReadsThemBackLazilyInTheirDtype() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 3);
        for (DType d : List.of(DType.BF16, DType.F16)) {
            Path dir = tmp.resolve("half-" + d);
            HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withDtype(d));
            assertEquals(HfConfig.torchDtypeName(d), JSON.readTree(dir.resolve("config.json").toFile()).get("torch_dtype").asText());
            LlamaCheckpoint back = HfFormat.read(dir, null);
            for (var e : ckpt.tensors().entrySet()) {
                TensorData t = back.tensor(e.getKey());
                assertEquals(d, t.dtype(), e.getKey());
                assertTrue(t.bytes().isDirect(), "tensors are mapped, not copied");
                assertEquals(e.getValue().convertTo(d), t, e.getKey());
            }
            // keeping the dtype re-writes the same bytes; widening to f32 and narrowing back is exact
            Path again = tmp.resolve("again-" + d);
            HfFormat.write(back, again);
            assertSameTensors(back.tensors(), HfFormat.read(again, null).tensors());
            Path wide = tmp.resolve("wide-" + d);
            HfFormat.write(back, wide, HfWriteOptions.defaults().withDtype(DType.F32));
            LlamaCheckpoint widened = HfFormat.read(wide, null);
            Path narrow = tmp.resolve("narrow-" + d);
            HfFormat.write(widened, narrow, HfWriteOptions.defaults().withDtype(d));
            assertSameTensors(back.tensors(), HfFormat.read(narrow, null).tensors());
        }
    }

    @Test
    void refusesAFloat16ConversionThatOverflowsAndLeavesNothingBehind() {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 4);
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        float[] big = t.get(LlamaTensorNames.FINAL_NORM).toFloats();
        big[3] = 1e6f;
        t.put(LlamaTensorNames.FINAL_NORM, TensorData.ofFloats(new long[] {big.length}, big));
        Path dir = tmp.resolve("overflow");
        assertOneLineError(() -> HfFormat.write(ckpt.withTensors(t), dir, HfWriteOptions.defaults().withDtype(DType.F16)),
                LlamaTensorNames.FINAL_NORM, "float16 range");
        assertFalse(Files.exists(dir));
        assertEquals(List.of(), listing(tmp), "no temporary left behind");
    }

    private static List<String> listing(Path dir) {
        try {
            return fileNames(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void roundTripsQwen2WithBiasesAndTiedEmbeddings() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.qwen2(), 5);
        assertTrue(ckpt.tensors().containsKey(LlamaTensorNames.linearBias(1, "self_attn.k_proj")));
        assertFalse(ckpt.tensors().containsKey(LlamaTensorNames.LM_HEAD));
        Path dir = tmp.resolve("qwen");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withDtype(DType.BF16));
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        assertEquals("qwen2", cfg.get("model_type").asText());
        assertTrue(cfg.get("tie_word_embeddings").asBoolean());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertFalse(f.contains(LlamaTensorNames.LM_HEAD));
            assertArrayEquals(new long[] {8}, f.entry(LlamaTensorNames.linearBias(0, "self_attn.v_proj")).shape());
        }
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(ckpt.config(), back.config());
        for (var e : ckpt.tensors().entrySet()) {
            assertEquals(e.getValue().convertTo(DType.BF16), back.tensor(e.getKey()));
        }
    }

    @Test
    void writesStructurallyPrunedBlocksAsTheyAreAndReadsThemBack() throws Exception {
        LlamaConfig c = TinyCheckpoints.llama();
        List<LayerShape> shapes = List.of(new LayerShape(24, 4, 2), new LayerShape(9, 2, 1));
        LlamaCheckpoint pruned = TinyCheckpoints.random(c, shapes, 6);
        assertEquals(shapes, LayerShape.of(pruned));
        Path dir = tmp.resolve("pruned");
        HfFormat.write(pruned, dir);
        JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
        JsonNode listed = cfg.get(HfConfig.LAYER_SHAPES_KEY);
        assertEquals(2, listed.size());
        assertEquals(9, listed.get(1).get("intermediate_size").asInt());
        assertEquals(2, listed.get(1).get("num_attention_heads").asInt());
        assertEquals(1, listed.get(1).get("num_key_value_heads").asInt());
        assertEquals(24, cfg.get("intermediate_size").asInt(), "top-level keys keep the unpruned widths");
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(c, back.config());
        assertEquals(shapes, LayerShape.of(back));
        assertSameTensors(pruned.tensors(), back.tensors());

        // uniformly pruned blocks need no extra key: the standard keys describe them
        List<LayerShape> uniform = List.of(new LayerShape(12, 2, 1), new LayerShape(12, 2, 1));
        Path udir = tmp.resolve("uniform");
        HfFormat.write(TinyCheckpoints.random(c, uniform, 7), udir);
        JsonNode ucfg = JSON.readTree(udir.resolve("config.json").toFile());
        assertNull(ucfg.get(HfConfig.LAYER_SHAPES_KEY));
        assertEquals(12, ucfg.get("intermediate_size").asInt());
        assertEquals(2, ucfg.get("num_attention_heads").asInt());
        assertEquals(4, ucfg.get("head_dim").asInt());
        assertEquals(uniform, LayerShape.of(HfFormat.read(udir, null)));
    }

    @Test
    void refusesToWriteInconsistentCheckpoints() {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 8);
        Path dir = tmp.resolve("never");
        Map<String, TensorData> extra = new LinkedHashMap<>(ckpt.tensors());
        extra.put("model.layers.0.self_attn.q_proj.bias", TensorData.ofFloats(new long[] {16}, new float[16]));
        assertOneLineError(() -> HfFormat.write(ckpt.withTensors(extra), dir), "cannot write", "unexpected tensor model.layers.0.self_attn.q_proj.bias");
        Map<String, TensorData> missing = new LinkedHashMap<>(ckpt.tensors());
        missing.remove(LlamaTensorNames.postAttentionNorm(1));
        assertOneLineError(() -> HfFormat.write(ckpt.withTensors(missing), dir), "lacks " + LlamaTensorNames.postAttentionNorm(1));
        Map<String, TensorData> wrong = new LinkedHashMap<>(ckpt.tensors());
        wrong.put(LlamaTensorNames.linearWeight(0, "mlp.down_proj"), TensorData.ofFloats(new long[] {16, 20}, new float[320]));
        assertOneLineError(() -> HfFormat.write(ckpt.withTensors(wrong), dir), "mlp.down_proj.weight has shape [16, 20]", "[16, 24]");
        assertFalse(Files.exists(dir));
    }

    @Test
    void refusesOutputsThatWouldDestroyTheInputOrSomethingElse() throws Exception {
        Path dir = tmp.resolve("models").resolve("src");
        HfFormat.write(TinyCheckpoints.random(TinyCheckpoints.llama(), 9), dir);
        LlamaCheckpoint ckpt = HfFormat.read(dir, null);
        byte[] before = Files.readAllBytes(dir.resolve("model.safetensors"));
        assertOneLineError(() -> HfFormat.write(ckpt, dir), "is or contains the input");
        assertOneLineError(() -> HfFormat.write(ckpt, tmp.resolve("models")), "is or contains the input");
        assertOneLineError(() -> HfFormat.write(ckpt, tmp.resolve("models/src/../src")), "is or contains the input");
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("model.safetensors")));
        Path notes = tmp.resolve("notes");
        Files.createDirectories(notes);
        Files.writeString(notes.resolve("todo.txt"), "keep me");
        assertOneLineError(() -> HfFormat.write(ckpt, notes), "not a Hugging Face model directory; refusing to replace it");
        assertEquals("keep me", Files.readString(notes.resolve("todo.txt")));
        Path file = tmp.resolve("file.txt");
        Files.writeString(file, "x");
        assertOneLineError(() -> HfFormat.write(ckpt, file), "exists and is not a directory");
        // an existing model directory is replaced whole
        Path other = tmp.resolve("other");
        HfFormat.write(TinyCheckpoints.random(TinyCheckpoints.qwen2(), 10), other, HfWriteOptions.defaults().withMaxShardBytes(3000));
        HfFormat.write(ckpt, other);
        assertEquals(List.of("config.json", "model.safetensors"), fileNames(other));
        assertSameTensors(ckpt.tensors(), HfFormat.read(other, null).tensors());
    }

    @Test
    void carriesTokenizerFilesAlong() throws Exception {
        Path src = tmp.resolve("src");
        HfFormat.write(TinyCheckpoints.random(TinyCheckpoints.llama(), 11), src);
        Files.writeString(src.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(src.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");
        LlamaCheckpoint ckpt = HfFormat.read(src, null);
        assertEquals(src.resolve("tokenizer.json"), ckpt.tokenizer());
        Path out = tmp.resolve("out");
        HfFormat.write(ckpt, out);
        assertEquals("{\"model\": {}}", Files.readString(out.resolve("tokenizer.json")));
        assertEquals("{\"bos_token\": \"<s>\"}", Files.readString(out.resolve("tokenizer_config.json")));
        assertEquals(out.resolve("tokenizer.json"), HfFormat.read(out, null).tokenizer());
        // an override wins when reading and is what gets written
        Path other = tmp.resolve("other-tokenizer.json");
        Files.writeString(other, "{\"other\": true}");
        LlamaCheckpoint overridden = HfFormat.read(src, other);
        assertEquals(other, overridden.tokenizer());
        Path out2 = tmp.resolve("out2");
        HfFormat.write(overridden, out2);
        assertEquals("{\"other\": true}", Files.readString(out2.resolve("tokenizer.json")));
    }

    // ---- bad inputs -------------------------------------------------------------------------------

    /** A valid single-file model directory to break. */
    private Path validModel(String name, LlamaCheckpoint ckpt) {
        Path dir = tmp.resolve(name);
        HfFormat.write(ckpt, dir);
        return dir;
    }

    @Test
    void badDirectoriesAreOneLineErrors() throws Exception {
        assertOneLineError(() -> HfFormat.read(tmp.resolve("absent"), null), "absent: no such directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(() -> HfFormat.read(empty, null), "empty: no config.json");
        assertOneLineError(() -> ModelLocator.loadLlama(empty.toString(), null), "no config.json");
        Path file = Files.writeString(tmp.resolve("f.bin"), "x");
        assertOneLineError(() -> HfFormat.read(file, null), "not a directory");
        Path noWeights = Files.createDirectories(tmp.resolve("noweights"));
        Files.writeString(noWeights.resolve("config.json"), HfConfig.uniform(TinyCheckpoints.llama()).toJson(DType.F32));
        assertOneLineError(() -> HfFormat.read(noWeights, null), "no model.safetensors or model.safetensors.index.json");
        Files.writeString(noWeights.resolve("pytorch_model.bin"), "pickle");
        assertOneLineError(() -> HfFormat.read(noWeights, null), "not supported yet: pytorch_model.bin");
    }

    @Test
    void configAndTensorDisagreementsNameTheFileAndTensor() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 12);
        Path dir = validModel("m", ckpt);
        Path weights = dir.resolve("model.safetensors");
        Path config = dir.resolve("config.json");
        String good = Files.readString(config);

        Files.writeString(config, good.replace("\"intermediate_size\" : 24", "\"intermediate_size\" : 32"));
        assertOneLineError(() -> HfFormat.read(dir, null), weights.toString() + ": tensor model.layers.0.mlp.gate_proj.weight has shape [24, 16]",
                "config.json implies [32, 16]");
        Files.writeString(config, good.replace("\"num_key_value_heads\" : 2", "\"num_key_value_heads\" : 4"));
        assertOneLineError(() -> HfFormat.read(dir, null), "tensor model.layers.0.self_attn.k_proj.weight has shape [8, 16]", "[16, 16]");
        Files.writeString(config, good.replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        assertOneLineError(() -> HfFormat.read(dir, null), "config.json: unknown architecture GPT2LMHeadModel (supported: LlamaForCausalLM");
        Files.writeString(config, good.replace("\"LlamaForCausalLM\"", "\"Qwen2ForCausalLM\"").replace("\"llama\"", "\"qwen2\""));
        assertOneLineError(() -> HfFormat.read(dir, null), "missing tensor model.layers.0.self_attn.q_proj.bias");
        Files.writeString(config, good.replace("\"tie_word_embeddings\" : false", "\"tie_word_embeddings\" : true"));
        assertOneLineError(() -> HfFormat.read(dir, null), "tie_word_embeddings but lm_head.weight differs");
        Files.writeString(config, good);

        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        t.put("model.layers.0.mlp.extra.weight", TensorData.ofFloats(new long[] {2}, new float[2]));
        t.put("model.layers.0.self_attn.rotary_emb.inv_freq", TensorData.ofFloats(new long[] {2}, new float[2]));
        SafetensorsWriter.write(weights, t, Map.of("format", "pt"));
        assertOneLineError(() -> HfFormat.read(dir, null), weights + ": unexpected tensor model.layers.0.mlp.extra.weight");
        t.remove("model.layers.0.mlp.extra.weight");
        SafetensorsWriter.write(weights, t, Map.of("format", "pt"));
        assertSameTensors(ckpt.tensors(), HfFormat.read(dir, null).tensors());

        t.remove(LlamaTensorNames.FINAL_NORM);
        SafetensorsWriter.write(weights, t, Map.of());
        assertOneLineError(() -> HfFormat.read(dir, null), weights + ": missing tensor model.norm.weight");
        t.put(LlamaTensorNames.FINAL_NORM, TensorData.ofInts(new long[] {16}, new int[16]));
        SafetensorsWriter.write(weights, t, Map.of());
        assertOneLineError(() -> HfFormat.read(dir, null), "tensor model.norm.weight has dtype I32");
    }

    @Test
    void aTiedModelMayStoreItsClassifierOnlyWhenItEqualsTheEmbedding() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.qwen2(), 13);
        Path dir = validModel("tied", ckpt);
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        t.put(LlamaTensorNames.LM_HEAD, ckpt.tensor(LlamaTensorNames.EMBED));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of());
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertFalse(back.tensors().containsKey(LlamaTensorNames.LM_HEAD));
        assertSameTensors(ckpt.tensors(), back.tensors());
    }

    @Test
    void brokenShardsAreOneLineErrorsNamingTheShard() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 14);
        Path dir = tmp.resolve("sh");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withMaxShardBytes(5000));
        Path index = dir.resolve("model.safetensors.index.json");
        String goodIndex = Files.readString(index);
        List<String> shards = fileNames(dir).stream().filter(n -> n.startsWith("model-")).toList();
        Path second = dir.resolve(shards.get(1));
        byte[] full = Files.readAllBytes(second);

        Files.write(second, java.util.Arrays.copyOf(full, full.length - 10));
        assertOneLineError(() -> HfFormat.read(dir, null), second + ": not a valid safetensors file");
        Files.write(second, java.util.Arrays.copyOf(full, 20));
        assertOneLineError(() -> HfFormat.read(dir, null), second.toString());
        Files.delete(second);
        assertOneLineError(() -> HfFormat.read(dir, null), index + ": shard " + shards.get(1) + " is missing");
        Files.write(second, full);
        assertSameTensors(ckpt.tensors(), HfFormat.read(dir, null).tensors());

        ObjectNode root = (ObjectNode) JSON.readTree(goodIndex);
        ObjectNode map = (ObjectNode) root.get("weight_map");
        String moved = LlamaTensorNames.inputNorm(0); // shares its shard with the embedding
        String home = map.get(moved).asText();
        String elsewhere = shards.stream().filter(s -> !s.equals(home)).findFirst().orElseThrow();
        map.put(moved, elsewhere);
        Files.writeString(index, root.toString());
        assertOneLineError(() -> HfFormat.read(dir, null), dir.resolve(elsewhere) + ": lacks tensor " + moved);
        map.put(moved, "../" + home);
        Files.writeString(index, root.toString());
        assertOneLineError(() -> HfFormat.read(dir, null), "not a file name in the model directory");
        map.remove(moved);
        Files.writeString(index, root.toString());
        assertOneLineError(() -> HfFormat.read(dir, null), dir.resolve(home) + ": holds tensor " + moved + " that model.safetensors.index.json does not list");
        Files.writeString(index, "{\"metadata\": {}}");
        assertOneLineError(() -> HfFormat.read(dir, null), index + ": no weight_map");
        Files.writeString(index, "{\"weight_map\": ");
        assertOneLineError(() -> HfFormat.read(dir, null), index + ": not valid JSON");
    }

    @Test
    void readsFilesWrittenByOtherToolsWhateverTheirTensorOrder() throws Exception {
        // transformers/safetensors sort tensor names (layers.10 before layers.2); headers may also carry
        // extra metadata. Reading must not depend on either.
        LlamaConfig c = new LlamaConfig("LlamaForCausalLM", 8, 12, 12, 2, 1, 4, 20, 32, 1e4, 1e-5, true, false, 1, 2);
        LlamaCheckpoint ckpt = TinyCheckpoints.random(c, 15);
        Path dir = validModel("sorted", ckpt);
        Map<String, TensorData> sorted = new java.util.TreeMap<>(ckpt.tensors());
        SafetensorsWriter.write(dir.resolve("model.safetensors"), sorted, Map.of("format", "pt", "source", "elsewhere"));
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertEquals(new ArrayList<>(ckpt.tensors().keySet()), new ArrayList<>(back.tensors().keySet()));
        assertSameTensors(ckpt.tensors(), back.tensors());
    }

    @Test
    void shardPlanFollowsTheTransformersRule() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("a", 40L);
        sizes.put("b", 70L);
        sizes.put("c", 30L);
        sizes.put("big", 500L);
        sizes.put("d", 10L);
        ShardPlan p = ShardPlan.of(sizes, 100);
        assertEquals(List.of(List.of("a"), List.of("b", "c"), List.of("big"), List.of("d")), p.shards());
        assertEquals("model-00002-of-00004.safetensors", p.fileName(1));
        ShardPlan one = ShardPlan.of(sizes, 1000);
        assertTrue(one.isSingleFile());
        assertEquals("model.safetensors", one.fileName(0));
    }
}
