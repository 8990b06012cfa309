package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.HfFormat;
import org.prune4j.internal.io.hf.TinyCheckpoints;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

class ConvertCommandTest {
    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static void assertUserError(CliRun r, String fragment) {
        r.assertUserError(fragment);
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void stories260KGoesToHuggingFaceAndBackExactly() throws Exception {
        Path hf = tmp.resolve("stories-hf");
        CliRun toHf = run("convert", "--model", "stories260K", "--to", "hf", "--out", hf.toString());
        assertEquals(0, toHf.code(), toHf.err());
        assertTrue(toHf.out().startsWith("wrote " + hf + " (hf, 47 tensors, "), toHf.out());
        assertEquals(List.of("config.json", "model.safetensors", "tokenizer.bin"), listing(hf));
        JsonNode cfg = new ObjectMapper().readTree(hf.resolve("config.json").toFile());
        assertEquals("LlamaForCausalLM", cfg.get("architectures").get(0).asText());
        assertEquals(64, cfg.get("hidden_size").asInt());
        assertEquals(172, cfg.get("intermediate_size").asInt());
        assertEquals(4, cfg.get("num_key_value_heads").asInt());
        assertEquals(512, cfg.get("max_position_embeddings").asInt());
        assertEquals(1e-5, cfg.get("rms_norm_eps").asDouble());
        assertTrue(cfg.get("tie_word_embeddings").asBoolean());
        assertEquals("float32", cfg.get("torch_dtype").asText());

        Path original = BundledModels.checkpoint("stories260K");
        LlamaCheckpoint src = Llama2cFormat.read(original, null);
        LlamaCheckpoint viaHf = HfFormat.read(hf, null);
        assertEquals(src.config(), viaHf.config());
        assertNull(TinyCheckpoints.firstDifference(src.tensors(), viaHf.tensors()));
        assertEquals(hf.resolve("tokenizer.bin"), viaHf.tokenizer());
        assertArrayEquals(Files.readAllBytes(original.resolveSibling("tok512.bin")), Files.readAllBytes(hf.resolve("tokenizer.bin")));

        Path back = tmp.resolve("stories-back.bin");
        CliRun toL2c = run("convert", "--model", hf.toString(), "--to", "llama2c", "--out", back.toString());
        assertEquals(0, toL2c.code(), toL2c.err());
        assertTrue(toL2c.err().contains("llama2.c files hold no tokenizer"), toL2c.err());
        LlamaCheckpoint roundTrip = Llama2cFormat.read(back, null);
        assertEquals(src.config(), roundTrip.config());
        assertNull(TinyCheckpoints.firstDifference(src.tensors(), roundTrip.tensors()));
        // every weight of the final file is bit-identical to the original's, in the original order
        byte[] a = Files.readAllBytes(original);
        byte[] b = Files.readAllBytes(back);
        assertEquals(a.length, b.length);
        int weightsEnd = a.length - 2 * 512 * 4 * 4; // the RoPE tables close a shared-classifier file
        assertArrayEquals(java.util.Arrays.copyOf(a, weightsEnd), java.util.Arrays.copyOf(b, weightsEnd));
    }

    @Test
    void changesDtypeAndShardsOnRequest() throws Exception {
        Path hf = tmp.resolve("bf16");
        CliRun r = run("convert", "--model", "stories260K", "--to", "hf", "--out", hf.toString(), "--dtype", "bf16",
                "--max-shard-size", "100KB", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("hf", json.get("format").asText());
        assertEquals("BF16", json.get("dtype").asText());
        assertEquals(47, json.get("tensors").asInt());
        assertEquals(1, r.out().strip().lines().count(), "--json prints exactly one line");
        List<String> files = listing(hf);
        assertTrue(files.contains("model.safetensors.index.json"), files.toString());
        assertTrue(files.stream().filter(f -> f.startsWith("model-")).count() >= 3, files.toString());
        LlamaCheckpoint src = Llama2cFormat.read(BundledModels.checkpoint("stories260K"), null);
        LlamaCheckpoint half = HfFormat.read(hf, null);
        for (var e : src.tensors().entrySet()) {
            TensorData t = half.tensor(e.getKey());
            assertEquals(DType.BF16, t.dtype());
            assertEquals(e.getValue().convertTo(DType.BF16), t, e.getKey());
        }
        // hf -> hf keeps bf16 bytes; -> f32 widens exactly
        Path f32 = tmp.resolve("f32");
        assertEquals(0, run("convert", "--model", hf.toString(), "--to", "hf", "--out", f32.toString(), "--dtype", "f32").code());
        LlamaCheckpoint wide = HfFormat.read(f32, null);
        for (var e : half.tensors().entrySet()) {
            assertArrayEquals(e.getValue().toFloats(), wide.tensor(e.getKey()).toFloats(), e.getKey());
        }
    }

    @Test
    void convertsAQwen2DirectoryButNotToLlama2c() throws Exception {
        Path qwen = tmp.resolve("qwen");
        HfFormat.write(TinyCheckpoints.random(TinyCheckpoints.qwen2(), 31), qwen);
        Files.writeString(qwen.resolve("tokenizer.json"), "{}");
        Path copy = tmp.resolve("qwen-f16");
        CliRun r = run("convert", "--model", qwen.toString(), "--to", "hf", "--out", copy.toString(), "--dtype", "f16");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"), listing(copy));
        assertTrue(HfFormat.read(copy, null).tensors().containsKey(LlamaTensorNames.linearBias(0, "self_attn.q_proj")));
        Path l2c = tmp.resolve("qwen.bin");
        assertUserError(run("convert", "--model", qwen.toString(), "--to", "llama2c", "--out", l2c.toString()), "attention biases");
        assertFalse(Files.exists(l2c));
    }

    @Test
    void badRequestsExitWith2AndWriteNothing() throws Exception {
        Path src = tmp.resolve("in.bin");
        Files.copy(BundledModels.checkpoint("stories260K"), src);
        byte[] before = Files.readAllBytes(src);
        assertUserError(run("convert", "--model", src.toString(), "--to", "llama2c", "--out", src.toString()),
                "is or contains the input");
        assertUserError(run("convert", "--model", src.toString(), "--to", "hf", "--out", tmp.toString()),
                "is or contains the input");
        assertArrayEquals(before, Files.readAllBytes(src));

        Path out = tmp.resolve("out");
        assertUserError(run("convert", "--model", src.toString(), "--to", "safetensors", "--out", out.toString()),
                "--to: unknown format 'safetensors' (expected hf, llama2c, gguf, onnx, hf-sparse-bitmask, hf-sparse-24, nemotron-nas)");
        assertUserError(run("convert", "--model", src.toString(), "--to", "hf", "--out", out.toString(), "--dtype", "int8"),
                "--dtype: unknown type 'int8'");
        assertUserError(run("convert", "--model", src.toString(), "--to", "llama2c", "--out", out.toString(), "--dtype", "f16"),
                "llama2.c checkpoints store float32 only");
        assertUserError(run("convert", "--model", src.toString(), "--to", "hf", "--out", out.toString(), "--max-shard-size", "lots"),
                "--max-shard-size: cannot read 'lots'");
        assertUserError(run("convert", "--model", tmp.resolve("nope.bin").toString(), "--to", "hf", "--out", out.toString()),
                "nope.bin: no such file or directory");
        Path emptyDir = Files.createDirectories(tmp.resolve("empty"));
        assertUserError(run("convert", "--model", emptyDir.toString(), "--to", "hf", "--out", out.toString()), "no config.json");
        Path truncated = tmp.resolve("truncated.bin");
        Files.write(truncated, java.util.Arrays.copyOf(before, before.length - 100));
        assertUserError(run("convert", "--model", truncated.toString(), "--to", "hf", "--out", out.toString()),
                truncated + ": truncated");
        assertUserError(run("convert", "--model", src.toString(), "--to", "hf"), "Missing required option: '--out=PATH'");
        assertFalse(Files.exists(out));
        assertEquals(List.of("empty", "in.bin", "truncated.bin"), listing(tmp), "no outputs or temporaries left");
    }

    @Test
    void onnxExportWritesAModelAndRefusesBadRequests() throws Exception {
        Path onnx = tmp.resolve("s.onnx");
        CliRun ok = run("convert", "--model", "stories260K", "--to", "onnx", "--kv-cache", "--out", onnx.toString(), "--json");
        assertEquals(0, ok.code(), ok.err());
        assertEquals(Files.size(onnx), ok.json().get("bytes").asLong());
        assertEquals("input_ids", ok.json().get("inputs").get(0).asText());
        assertEquals("past_key_values.0.key", ok.json().get("inputs").get(3).asText());
        assertEquals("present.0.key", ok.json().get("outputs").get(1).asText());

        Path out = tmp.resolve("x.onnx");
        String r20 = "src/test/resources/checkpoints/resnet20-12fca82f.th";
        assertUserError(run("convert", "--model", "stories260K", "--to", "onnx", "--dtype", "bf16", "--out", out.toString()),
                "--dtype bf16: not supported for onnx (expected f32 or f16)");
        assertUserError(run("convert", "--model", "stories260K", "--to", "onnx", "--dtype", "q8_0", "--out", out.toString()),
                "--dtype q8_0: not supported for onnx");
        assertUserError(run("convert", "--model", r20, "--to", "onnx", "--out", out.toString()),
                "a PyTorch checkpoint is a vision model here: pass its --arch");
        assertUserError(run("convert", "--arch", "resnet20", "--model", r20, "--to", "onnx", "--kv-cache", "--out", out.toString()),
                "--kv-cache: vision models have no key/value cache");
        assertUserError(run("convert", "--arch", "resnet32", "--model", r20, "--to", "onnx", "--out", out.toString()), "lacks tensor layer1.3.conv1.weight");
        assertUserError(run("convert", "--arch", "nope", "--model", r20, "--to", "onnx", "--out", out.toString()),
                "unknown vision architecture nope");
        assertUserError(run("convert", "--arch", "resnet20", "--model", "stories260K", "--to", "onnx", "--out", out.toString()),
                "--model stories260K: no such checkpoint file");
        assertUserError(run("convert", "--model", "stories260K", "--to", "gguf", "--kv-cache", "--out", out.toString()),
                "--kv-cache: does not apply to --to gguf");
        assertUserError(run("convert", "--arch", "resnet20", "--model", r20, "--to", "hf", "--out", out.toString()),
                "--arch: does not apply to --to hf");
        assertUserError(run("convert", "--model", "stories260K", "--to", "onnx", "--max-shard-size", "1GB", "--out", out.toString()),
                "--max-shard-size: does not apply to --to onnx");
        assertFalse(Files.exists(out));
        assertEquals(List.of("s.onnx"), listing(tmp), "no outputs or temporaries left");
    }

    @Test
    void parsesSizesAndDtypes() {
        assertEquals(5_000_000_000L, ConvertCommand.parseByteSize("5GB"));
        assertEquals(2L << 30, ConvertCommand.parseByteSize("2GiB"));
        assertEquals(500_000L, ConvertCommand.parseByteSize("500kb"));
        assertEquals(1234L, ConvertCommand.parseByteSize("1234"));
        assertThrows(UserError.class, () -> ConvertCommand.parseByteSize("0"));
        assertThrows(UserError.class, () -> ConvertCommand.parseByteSize("99999999999TB"));
        assertEquals(DType.BF16, ConvertCommand.parseDtype("BF16"));
        assertEquals(DType.F16, ConvertCommand.parseDtype("float16"));
    }
}
