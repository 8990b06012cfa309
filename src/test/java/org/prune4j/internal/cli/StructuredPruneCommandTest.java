package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune4j prune} with the structured methods, end to end: report keys, outputs that load, bad input. */
class StructuredPruneCommandTest {
    @TempDir
    Path dir;

    @Test
    void flapWritesASmallerHuggingFaceDirectoryThatEvalInspectAndGenerateLoad() throws IOException {
        Path out = dir.resolve("flap");
        CliRun r = CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--ratio", "0.3", "--units",
                "heads,neurons", "--max-eval-windows", "16", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        for (String key : new String[] {"dense_ppl", "pruned_ppl", "params_before", "params_after", "macs_per_token_before",
                "macs_per_token_after", "file_bytes_before", "file_bytes_after", "removed_layers", "layers"}) {
            assertTrue(j.has(key), "report key " + key + ": " + j);
        }
        assertTrue(j.get("params_after").asLong() < j.get("params_before").asLong());
        assertTrue(j.get("macs_per_token_after").asLong() < j.get("macs_per_token_before").asLong());
        assertTrue(j.get("file_bytes_after").asLong() < j.get("file_bytes_before").asLong() + 20_000, j.toString());
        assertTrue(j.get("pruned_ppl").asDouble() > j.get("dense_ppl").asDouble());
        JsonNode l0 = j.get("layers").get(0);
        assertTrue(l0.has("kept_query_heads") && l0.has("kept_kv_heads") && l0.has("kept_neurons"), l0.toString());
        assertTrue(Files.isRegularFile(out.resolve("prune4j_report.json")));

        JsonNode cfg = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertTrue(cfg.has("prune4j_layer_shapes"), "FLAP's adaptive widths differ per layer");
        assertTrue(cfg.get("attention_bias").asBoolean() && cfg.get("mlp_bias").asBoolean(), "compensation biases");

        CliRun eval = CliRun.of("eval", "--model", out.toString(), "--ids",
                StructuredPruneCommandTest.class.getResource("/reference/model/stories260K.safetensors").getPath() + ":eval_ids",
                "--max-windows", "16", "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(j.get("pruned_ppl").asDouble(), eval.json().get("ppl").asDouble(), 1e-4 * j.get("pruned_ppl").asDouble());
        CliRun inspect = CliRun.of("inspect", "--model", out.toString(), "--json");
        assertEquals(0, inspect.code(), inspect.err());
        CliRun gen = CliRun.of("generate", "--model", out.toString(), "--steps", "20");
        assertEquals(0, gen.code(), gen.err());
        assertFalse(gen.out().isBlank());
        // the per-layer-shaped directory can be pruned again, unstructured and structured
        CliRun again = CliRun.of("prune", "--model", out.toString(), "--method", "magnitude", "--sparsity", "0.5",
                "--out", dir.resolve("again").toString(), "--json");
        assertEquals(0, again.code(), again.err());
        CliRun deeper = CliRun.of("prune", "--model", out.toString(), "--method", "magnitude-sp", "--ratio", "0.2",
                "--out", dir.resolve("deeper").toString(), "--json");
        assertEquals(0, deeper.code(), deeper.err());
        assertTrue(deeper.json().get("params_after").asLong() < j.get("params_after").asLong());
    }

    @Test
    void layerRemovalCanBeWrittenAsLlama2c() throws IOException {
        Path out = dir.resolve("short.bin");
        CliRun r = CliRun.of("prune", "--model", "stories260K", "--method", "block-influence", "--layers", "1",
                "--max-eval-windows", "8", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.json().get("removed_layers").get(0).asInt(), "ShortGPT removes block 2 of stories260K");
        assertTrue(Files.isRegularFile(out));
        CliRun eval = CliRun.of("eval", "--model", out.toString(), "--max-windows", "8", "--json", "--ids",
                StructuredPruneCommandTest.class.getResource("/reference/model/stories260K.safetensors").getPath() + ":eval_ids");
        assertEquals(0, eval.code(), eval.err());
        CliRun text = CliRun.of("prune", "--model", "stories260K", "--method", "magnitude-sp", "--ratio", "0.5",
                "--units", "kv-groups,neurons", "--round-to", "8", "--max-eval-windows", "4", "--out", dir.resolve("mag").toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("perplexity: dense"), text.out());
    }

    @Test
    void badInputIsOneLineExitTwoAndWritesNothing() throws IOException {
        Path out = dir.resolve("never");
        String o = out.toString();
        CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--ratio", "1.5", "--out", o).assertUserError("--ratio 1.5");
        CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--ratio", "0", "--out", o).assertUserError("--ratio");
        CliRun.of("prune", "--model", "stories260K", "--method", "block-influence", "--layers", "9", "--out", o)
                .assertUserError("the model has 5 layers");
        CliRun.of("prune", "--model", "stories260K", "--method", "magnitude-sp", "--ratio", "0.3", "--round-to", "500",
                "--out", o).assertUserError("larger than layer 0's MLP width 172");
        CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--sparsity", "0.5", "--out", o)
                .assertUserError("instead of --sparsity");
        CliRun.of("prune", "--model", "stories260K", "--method", "wanda-sp", "--sparsity", "2:4", "--out", o)
                .assertUserError("instead of --sparsity or N:M");
        CliRun.of("prune", "--model", "stories260K", "--method", "wanda", "--ratio", "0.3", "--out", o)
                .assertUserError("are for the structured methods");
        CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--ratio", "0.3", "--layers", "1", "--out", o)
                .assertUserError("either --ratio or --layers");
        CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--ratio", "0.3", "--units", "rows", "--out", o)
                .assertUserError("unknown unit 'rows'");
        CliRun.of("prune", "--model", "stories260K", "--method", "taylor", "--ratio", "0.3", "--taylor", "third", "--out", o)
                .assertUserError("--taylor third");
        CliRun.of("prune", "--model", "stories260K", "--method", "flap", "--ratio", "0.3", "--out", dir.resolve("x.bin").toString())
                .assertUserError("write a Hugging Face directory instead");
        Path bad = dir.resolve("badheads");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 2,
                 "num_attention_heads": 6, "num_key_value_heads": 4, "vocab_size": 32}""");
        // a well-formed safetensors file with as many (tiny) tensors as two layers have: the config is what is wrong
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 18; i++) {
            json.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[")
                    .append(4 * i).append(',').append(4 * i + 4).append("]}");
        }
        json.append('}');
        while (json.length() % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer st = java.nio.ByteBuffer.allocate(8 + header.length + 72).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        st.putLong(header.length).put(header);
        Files.write(bad.resolve("model.safetensors"), st.array());
        CliRun.of("prune", "--model", bad.toString(), "--method", "magnitude-sp", "--ratio", "0.3", "--out", o)
                .assertUserError("not a multiple of");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("x.bin")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the bad model directory exists");
        }
    }
}
