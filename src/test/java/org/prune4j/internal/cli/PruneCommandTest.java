package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

class PruneCommandTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void wandaOnTheBundledModelWritesAPrunedCheckpointAndAReport() throws Exception {
        Path out = dir.resolve("pruned.bin");
        CliRun r = run("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "2:4", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(4.1688, j.get("dense_ppl").asDouble(), 1e-3);
        assertEquals(77.539, j.get("pruned_ppl").asDouble(), 77.539 * 1e-3);
        assertEquals(0.5, j.get("sparsity").asDouble(), 1e-9);
        assertTrue(j.get("seconds").asDouble() > 0);
        assertEquals(35, j.get("matrices").size());
        assertTrue(Files.isRegularFile(Path.of(out + ".report.json")));
        assertTrue(Files.isRegularFile(dir.resolve("tok512.bin")), "tokenizer copied beside the llama2.c output");

        LlamaCheckpoint pruned = Llama2cFormat.read(out, null);
        // every group of 4 consecutive inputs of every row of every pruned matrix holds exactly 2 zeros (the
        // dense weights have no zeros of their own). stories260K's input widths, 64 and 172, are multiples of 4,
        // so it has no partial trailing group: those are checked, for every method, in NOfMAndEdgeCaseTest.
        for (int b = 0; b < 5; b++) {
            for (String mat : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
                var t = pruned.tensor(LlamaTensorNames.linearWeight(b, mat));
                int rows = (int) t.shape()[0];
                int cols = (int) t.shape()[1];
                float[] w = t.toFloats();
                for (int row = 0; row < rows; row++) {
                    for (int g = 0; g * 4 < cols; g++) {
                        int width = Math.min(4, cols - 4 * g);
                        int zeros = 0;
                        for (int k = 0; k < width; k++) {
                            zeros += w[row * cols + 4 * g + k] == 0f ? 1 : 0;
                        }
                        assertEquals(4, width, "no partial group in this model");
                        assertEquals(2, zeros, b + "." + mat + " row " + row + " group " + g + " has " + zeros
                                + " zeros");
                    }
                }
            }
        }
        float[] embed = pruned.tensor(LlamaTensorNames.EMBED).toFloats();
        float[] original = Llama2cFormat.read(BundledModels.checkpoint("stories260K"), null).tensor(LlamaTensorNames.EMBED).toFloats();
        assertTrue(java.util.Arrays.equals(embed, original), "the embedding is not pruned");
    }

    @Test
    void owlGivesBlocksDifferentSparsitiesAveragingTheTarget() throws Exception {
        Path out = dir.resolve("owl.bin");
        CliRun r = run("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "0.5", "--allocation", "owl",
                "--owl-lambda", "0.08", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode blocks = new ObjectMapper().readTree(r.out()).get("block_sparsity");
        assertEquals(5, blocks.size());
        double sum = 0;
        double min = 1;
        double max = 0;
        for (JsonNode b : blocks) {
            sum += b.asDouble();
            min = Math.min(min, b.asDouble());
            max = Math.max(max, b.asDouble());
        }
        assertEquals(0.5, sum / 5, 1e-9);
        assertEquals(0.16, max - min, 1e-6, "OWL spreads block sparsities over 2λ");

        // the zeros actually written: Wanda prunes (int) (cols × s) entries of every row (as the original does),
        // so each block holds exactly sum over its matrices of rows × floor(cols × s_b) zeros. The floor is why
        // the measured overall sparsity is a little below the 0.5 target (0.494 on this model).
        LlamaCheckpoint pruned = Llama2cFormat.read(out, null);
        long zerosAll = 0;
        long weightsAll = 0;
        for (int b = 0; b < 5; b++) {
            double s = blocks.get(b).asDouble();
            long zeros = 0;
            long expected = 0;
            for (String mat : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                    "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
                var t = pruned.tensor(LlamaTensorNames.linearWeight(b, mat));
                long rows = t.shape()[0];
                long cols = t.shape()[1];
                for (float v : t.toFloats()) {
                    zeros += v == 0f ? 1 : 0;
                }
                expected += rows * (long) Math.floor(cols * s);
                weightsAll += rows * cols;
            }
            assertEquals(expected, zeros, "block " + b + " at sparsity " + s);
            zerosAll += zeros;
        }
        double measured = zerosAll / (double) weightsAll;
        assertTrue(measured < 0.5 && measured > 0.49, "overall " + measured);
    }

    @Test
    void globalMagnitudeReachesTheTargetOverall() throws Exception {
        Path out = dir.resolve("global.bin");
        CliRun r = run("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "0.6", "--allocation", "global",
                "--min-density", "0.2", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(0.6, j.get("sparsity").asDouble(), 1e-3);
        double spread = 0;
        for (JsonNode m : j.get("matrices")) {
            assertTrue(m.asDouble() <= 0.8 + 1e-3, "min density 0.2 respected (magnitude prunes k+1 at the threshold): " + m);
            spread = Math.max(spread, Math.abs(m.asDouble() - 0.6));
        }
        assertTrue(spread > 0.01, "a global threshold prunes matrices unevenly");
    }

    @Test
    void calibrationFromTextUsesSeededWindows() throws Exception {
        Path text = dir.resolve("calib.txt");
        Files.writeString(text, "Once upon a time, there was a little dog named Max. He liked to run in the park. ".repeat(300));
        Path out = dir.resolve("text.bin");
        CliRun r = run("prune", "--model", "stories260K", "--method", "sparsegpt", "--sparsity", "0.5", "--calib", text.toString(),
                "--nsamples", "8", "--seqlen", "128", "--seed", "3", "--eval", text.toString(), "--eval-seqlen", "128",
                "--max-eval-windows", "4", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("calibration").asText().contains("8 windows of 128 tokens"), j.get("calibration").asText());
        assertTrue(j.get("pruned_ppl").asDouble() > 1);
    }

    @Test
    void aHuggingFaceInputGivesAHuggingFaceOutputInItsStorageDtype() throws Exception {
        Path hf = dir.resolve("hf-bf16");
        assertEquals(0, run("convert", "--model", "stories260K", "--to", "hf", "--dtype", "bf16", "--out", hf.toString()).code());
        Path out = dir.resolve("pruned-hf");
        CliRun r = run("prune", "--model", hf.toString(), "--method", "sparsegpt", "--sparsity", "4:8", "--calib-ids",
                BundledModels.protocol("stories260K") + ":calib_ids", "--eval-ids",
                BundledModels.protocol("stories260K") + ":eval_ids", "--max-eval-windows", "8", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(0.5, r.json().get("sparsity").asDouble(), 1e-9);
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
        assertTrue(Files.isRegularFile(out.resolve("prune4j_report.json")));
        try (org.prune4j.internal.io.SafetensorsFile f = org.prune4j.internal.io.SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(org.prune4j.internal.io.DType.BF16, f.entry(LlamaTensorNames.linearWeight(0, "mlp.up_proj")).dtype());
            float[] w = f.get(LlamaTensorNames.linearWeight(0, "mlp.up_proj")).toFloats();
            for (int g = 0; g < w.length / 8; g++) {
                int zeros = 0;
                for (int k = 0; k < 8; k++) {
                    zeros += w[8 * g + k] == 0f ? 1 : 0;
                }
                assertTrue(zeros >= 4, "4:8 group " + g);
            }
        }
    }

    @Test
    void badInputIsOneLineAndExitTwoWithNothingWritten() throws Exception {
        Path out = dir.resolve("bad.bin");
        assertBad(run("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "1.3", "--out", out.toString()), "1.3");
        assertBad(run("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "4:2", "--out", out.toString()), "4:2");
        assertBad(run("prune", "--model", "stories260K", "--method", "pruneall", "--sparsity", "0.5", "--out", out.toString()), "pruneall");
        assertBad(run("prune", "--model", BundledModels.checkpoint("stories260K").toString(), "--method", "magnitude",
                "--sparsity", "0.5", "--out", BundledModels.checkpoint("stories260K").toString()), "input");
        Path ids = dir.resolve("ids.safetensors");
        SafetensorsWriter.write(ids, Map.of("x", TensorData.ofInts(new long[] {2, 3}, new int[] {1, 2, 600, 4, 5, 6})), Map.of());
        assertBad(run("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "0.5", "--calib-ids", ids + ":x",
                "--out", out.toString()), "outside the vocabulary");
        Path shortText = dir.resolve("short.txt");
        Files.writeString(shortText, "Once upon a time.");
        assertBad(run("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "0.5", "--calib", shortText.toString(),
                "--seqlen", "64", "--out", out.toString()), "fewer than --nsamples");
        assertBad(run("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "0.5", "--allocation", "owl",
                "--out", out.toString()), "owl");
        assertBad(run("prune", "--model", dir.resolve("missing.bin").toString(), "--method", "magnitude", "--sparsity", "0.5",
                "--out", out.toString()), "missing.bin");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(java.util.List.of("ids.safetensors", "short.txt"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "nothing written on bad input");
        }
    }

    private static void assertBad(CliRun r, String mention) {
        r.assertUserError(mention);
    }
}
