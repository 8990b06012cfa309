package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import picocli.CommandLine;

/** {@code eval}, {@code generate} and {@code inspect} through the real command line. */
class LlamaCommandsTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    static String reference() throws URISyntaxException {
        return Path.of(LlamaCommandsTest.class.getResource("/reference/model/stories260K.safetensors").toURI()).toString();
    }

    @Test
    void evalOnReferenceIdsPrintsOneJsonObject() throws Exception {
        CliRun r = run("eval", "--model", "stories260K", "--ids", reference() + ":eval_ids", "--max-windows", "8", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(8, j.get("windows").asInt());
        assertEquals(256, j.get("seqlen").asInt());
        assertEquals(8 * 255, j.get("tokens").asLong());
        assertTrue(j.get("seconds").asDouble() > 0);
        assertEquals(8, j.get("window_losses").size());
        double mean = 0;
        for (JsonNode l : j.get("window_losses")) {
            mean += l.asDouble() / 8;
        }
        assertEquals(Math.exp(mean), j.get("ppl").asDouble(), 1e-9);
    }

    @Test
    void evalOnTextAndOneDimensionalIds() throws Exception {
        Path text = dir.resolve("story.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily. She loved to play outside. ".repeat(40));
        CliRun r = run("eval", "--model", "stories260K", "--text", text.toString(), "--seqlen", "64", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(64, j.get("seqlen").asInt());
        assertTrue(j.get("windows").asInt() >= 10);
        assertTrue(j.get("ppl").asDouble() > 1 && j.get("ppl").asDouble() < 20, "ppl " + j.get("ppl"));

        int[] stream = new int[300];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = 3 + (i * 7) % 500;
        }
        Path ids = dir.resolve("ids.safetensors");
        SafetensorsWriter.write(ids, Map.of("stream", TensorData.ofInts(new long[] {300}, stream)), Map.of());
        CliRun s = run("eval", "--model", "stories260K", "--ids", ids.toString(), "--seqlen", "100");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().startsWith("perplexity "), s.out());
        assertTrue(s.out().contains("3 windows x 100 tokens"), s.out());
    }

    @Test
    void evalBadInputsExitWithTwo() throws Exception {
        int[] bad = new int[64];
        bad[10] = 512;
        Path ids = dir.resolve("bad.safetensors");
        SafetensorsWriter.write(ids, Map.of("ids", TensorData.ofInts(new long[] {2, 32}, bad)), Map.of());
        CliRun vocab = run("eval", "--model", "stories260K", "--ids", ids.toString());
        assertEquals(2, vocab.code());
        assertTrue(vocab.err().startsWith("prune4j: ") && vocab.err().contains("vocabulary"), vocab.err());
        assertEquals(1, vocab.err().strip().lines().count(), "one line, no stack trace: " + vocab.err());

        CliRun tooLong = run("eval", "--model", "stories260K", "--ids", reference() + ":eval_ids", "--seqlen", "1024");
        assertEquals(2, tooLong.code());
        assertTrue(tooLong.err().contains("context"), tooLong.err());
        assertEquals(2, run("eval", "--model", "stories260K", "--text", dir.resolve("missing.txt").toString()).code());
        assertEquals(2, run("eval", "--model", "stories260K", "--ids", reference()).code(), "several tensors, none named");
        assertEquals(2, run("eval", "--model", "stories260K", "--ids", reference() + ":nope").code());
        assertEquals(2, run("eval", "--model", "stories260K").code(), "--text or --ids is required");
        assertEquals(2, run("eval", "--model", "no-such-model", "--ids", ids.toString()).code());
    }

    @Test
    void evalReadsHuggingFaceDirectoriesInAnyDtype() throws Exception {
        String ids = reference() + ":eval_ids";
        double dense = run("eval", "--model", "stories260K", "--ids", ids, "--max-windows", "4", "--json").json()
                .get("ppl").asDouble();
        Path f32 = dir.resolve("hf-f32");
        assertEquals(0, run("convert", "--model", "stories260K", "--to", "hf", "--out", f32.toString()).code());
        CliRun a = run("eval", "--model", f32.toString(), "--ids", ids, "--max-windows", "4", "--json");
        assertEquals(0, a.code(), a.err());
        assertEquals(dense, a.json().get("ppl").asDouble(), 1e-9, "llama2.c and HF layouts give the same model");
        Path bf16 = dir.resolve("hf-bf16");
        assertEquals(0, run("convert", "--model", "stories260K", "--to", "hf", "--dtype", "bf16", "--out", bf16.toString()).code());
        CliRun b = run("eval", "--model", bf16.toString(), "--ids", ids, "--max-windows", "4", "--json");
        assertEquals(0, b.code(), b.err());
        assertEquals(dense, b.json().get("ppl").asDouble(), dense * 0.02, "bf16 weights, fp32 compute");
    }

    @Test
    void generateGreedyPrintsRunCsText() {
        CliRun r = run("generate", "--model", "stories260K", "--prompt", "Once upon a time", "--steps", "40",
                "--temperature", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily."), r.out());
        assertTrue(r.err().contains("tok/s"), r.err());
    }

    @Test
    void generateJsonAndBadOptions() throws IOException {
        CliRun r = run("generate", "--model", "stories260K", "--steps", "30", "--seed", "7", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertFalse(j.get("stopped_at_bos").asBoolean());
        assertEquals(30, j.get("positions").asInt());
        assertEquals(1, j.get("tokens").get(0).asInt());
        assertFalse(j.get("text").asText().isEmpty());
        CliRun again = run("generate", "--model", "stories260K", "--steps", "30", "--seed", "7", "--json");
        assertEquals(j.get("tokens"), again.json().get("tokens"), "same seed, same tokens");

        assertEquals(2, run("generate", "--model", "stories260K", "--steps", "600").code());
        assertEquals(2, run("generate", "--model", "stories260K", "--temperature", "-1").code());
        assertEquals(2, run("generate", "--model", "stories260K", "--seed", "0").code());
        assertEquals(2, run("generate", "--model", "stories260K", "--top-p", "2").code());
    }

    @Test
    void inspectDescribesTheModel() throws IOException {
        CliRun r = run("inspect", "--model", "stories260K", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(64, j.get("architecture").get("hidden_size").asInt());
        assertEquals(4, j.get("architecture").get("kv_heads").asInt());
        assertEquals(260_032, j.get("parameters").get("total").asLong());
        assertEquals(1_056_540, j.get("file_bytes").asLong());
        assertEquals(260_032, j.get("stored_dtypes").get("F32").asLong());
        assertEquals(5 * 7 + 1, j.get("matrices").size(), "35 block matrices and the embedding");
        assertEquals(0.0, j.get("matrices").get(1).get("sparsity").asDouble());
        assertEquals(5 * (64 * 64 * 2 + 32 * 64 * 2 + 172 * 64 * 3), j.get("macs_per_token").get("block_linears").asLong());
        assertEquals(512 * 64, j.get("macs_per_token").get("lm_head").asLong());
        assertEquals(5, j.get("blocks").size());
        assertEquals(4096, j.get("modules").get("model.layers.0.self_attn.q_proj").asLong());

        CliRun text = run("inspect", "--model", "stories260K");
        assertEquals(0, text.code());
        assertTrue(text.out().contains("MACs/token"), text.out());
        assertEquals(2, run("inspect", "--model", dir.resolve("nothing.bin").toString()).code());
    }
}
