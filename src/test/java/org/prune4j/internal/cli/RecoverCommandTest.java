package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.llama2c.Llama2cFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModelFixtures;

/**
 * {@code prune4j recover} on a magnitude-2:4 stories260K: the mask-preserving methods keep every zero (counted
 * in the written file), LoRA's merge fills them in, distillation runs against the dense teacher, and bad
 * input is one line with exit code 2 and no output.
 */
class RecoverCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path pruned;
    static String ids;

    @BeforeAll
    static void prune() throws Exception {
        pruned = shared.resolve("pruned.bin");
        CliRun r = CliRun.of("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "2:4",
                "--max-eval-windows", "2", "--out", pruned.toString());
        assertEquals(0, r.code(), r.err());
        ids = Path.of(RecoverCommandTest.class.getResource("/reference/model/stories260K.safetensors").toURI()).toString();
    }

    static List<String> args(Path out, String method, String... more) {
        List<String> a = new ArrayList<>(List.of("recover", "--model", pruned.toString(), "--method", method,
                "--train-ids", ids + ":calib_ids", "--eval-ids", ids + ":eval_ids", "--max-eval-windows", "6",
                "--batch", "4", "--lr", "3e-3", "--out", out.toString(), "--json"));
        a.addAll(List.of(more));
        return a;
    }

    static long zeros(Path model) {
        LlamaCheckpoint c = Llama2cFormat.read(model, null);
        long z = 0;
        for (var e : c.tensors().entrySet()) {
            if (e.getKey().startsWith("model.layers.") && e.getValue().shape().length == 2) {
                for (float v : e.getValue().toFloats()) {
                    z += v == 0f ? 1 : 0;
                }
            }
        }
        return z;
    }

    @Test
    void maskedLoraKeepsEveryZeroAndLowersThePerplexity() throws Exception {
        Path out = dir.resolve("rec.bin");
        CliRun r = CliRun.of(args(out, "masked-lora", "--steps", "30").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(j.get("zeros_before").asLong(), j.get("zeros_after").asLong());
        assertEquals(j.get("zeros_before").asLong(), zeros(out), "zeros in the written model");
        assertEquals(zeros(pruned), zeros(out));
        assertEquals(0.5, j.get("sparsity_after").asDouble(), 1e-12);
        assertTrue(j.get("recovered_ppl").asDouble() < j.get("pruned_ppl").asDouble(), j.toString());
        assertEquals(30, j.get("steps").asLong());
        assertEquals(30L * 4 * 256, j.get("tokens_seen").asLong());
        // per block at rank 8: q, o 8·(64+64); k, v 8·(64+32); gate, up, down 8·(64+172)
        assertEquals(5 * (2 * 1024 + 2 * 768 + 3 * 1888), j.get("trainable_parameters").asLong());
        assertTrue(Files.isRegularFile(Path.of(out + ".report.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scale-lora", "norms-biases", "full"})
    void otherMaskPreservingMethodsKeepEveryZero(String method) throws Exception {
        Path out = dir.resolve(method + ".bin");
        CliRun r = CliRun.of(args(out, method, "--steps", "4").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(zeros(pruned), zeros(out));
        assertEquals(j.get("zeros_before").asLong(), j.get("zeros_after").asLong());
        assertTrue(j.get("trainable_parameters").asLong() > 0);
    }

    @Test
    void loraMergeFillsZerosInUnlessAdaptersAreKept() throws Exception {
        Path merged = dir.resolve("lora.bin");
        CliRun r = CliRun.of(args(merged, "lora", "--steps", "4").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(zeros(merged) < zeros(pruned) / 100, "a merged LoRA fills the pruned entries in");
        Path kept = dir.resolve("lora-kept.bin");
        r = CliRun.of(args(kept, "lora", "--steps", "4", "--keep-adapters").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(zeros(pruned), zeros(kept));
        try (SafetensorsFile f = SafetensorsFile.open(Path.of(kept + ".adapters.safetensors"))) {
            assertEquals(70, f.names().size());
            assertTrue(f.names().contains("model.layers.4.mlp.down_proj.lora_B"));
        }
    }

    @Test
    void distillationFromTheDenseTeacherRecovers() throws Exception {
        Path out = dir.resolve("distill.bin");
        CliRun r = CliRun.of(args(out, "distill", "--teacher", "stories260K", "--steps", "20", "--hidden-mse", "0.1")
                .toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(4.1688, j.get("teacher_ppl").asDouble(), 0.5, "dense ppl on 6 rows");
        assertTrue(j.get("recovered_ppl").asDouble() < j.get("pruned_ppl").asDouble(), j.toString());
        assertEquals(zeros(pruned), zeros(out));
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path out = dir.resolve("never.bin");
        CliRun.of(args(out, "masked-lora", "--steps", "1", "--rank", "100").toArray(String[]::new))
                .assertUserError("--rank 100: larger than");
        CliRun.of(args(out, "masked-lora", "--steps", "0").toArray(String[]::new)).assertUserError("--steps must be >= 1");
        CliRun.of(args(out, "masked-lora", "--steps", "1", "--targets", "q,x").toArray(String[]::new))
                .assertUserError("--targets x: unknown target");
        CliRun.of(args(out, "fancy", "--steps", "1").toArray(String[]::new)).assertUserError("--method fancy: unknown");
        CliRun.of(args(out, "distill", "--steps", "1").toArray(String[]::new)).assertUserError("--teacher");
        Path small = dir.resolve("short.txt");
        Files.writeString(small, "Once upon a time.");
        CliRun.of("recover", "--model", pruned.toString(), "--method", "masked-lora", "--train", small.toString(),
                "--steps", "1", "--out", out.toString()).assertUserError("shorter than one training window");
        CliRun.of("recover", "--model", pruned.toString(), "--method", "masked-lora", "--train-ids", ids + ":calib_ids",
                "--steps", "1", "--track-ppl", "--out", out.toString()).assertUserError("--track-ppl: needs evaluation data");
        CliRun.of(args(out, "norms-biases", "--steps", "1", "--keep-adapters").toArray(String[]::new))
                .assertUserError("--keep-adapters: --method norms-biases trains no adapters");
        Path teacher = dir.resolve("other-vocab");
        LlamaModelFixtures.writeTinyHf(teacher);
        CliRun.of(args(out, "distill", "--steps", "1", "--teacher", teacher.toString()).toArray(String[]::new))
                .assertUserError("vocabulary");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(Path.of(out + ".report.json")));
    }
}
