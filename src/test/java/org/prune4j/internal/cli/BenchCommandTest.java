package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune4j bench}: the measurements and facts it reports (not how fast anything is). */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void languageModelsAreMeasuredInterleavedWithFactsAndRatiosToTheFirst() throws Exception {
        Path pruned = dir.resolve("pruned.bin");
        assertEquals(0, CliRun.of("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "0.5",
                "--max-eval-windows", "1", "--out", pruned.toString()).code());
        CliRun r = CliRun.of("bench", "--model", "stories260K", "--model", pruned.toString(), "--prefill", "600", "--decode", "4",
                "--runs", "3", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        assertEquals("language-model", o.get("kind").asText());
        assertEquals(512 - 4, o.get("prefill").asInt(), "the prefill is shortened to fit the 512-token context");
        assertTrue(r.err().contains("shortened"), r.err());
        JsonNode dense = o.get("models").get(0);
        JsonNode sparse = o.get("models").get(1);
        assertEquals(3, dense.get("prefill_tokens_per_second").get("samples").size());
        assertEquals(1.0, dense.get("ratios").get("decode_speed").asDouble(), 1e-12);
        assertEquals(dense.get("parameters").asLong(), sparse.get("parameters").asLong());
        assertEquals(dense.get("macs_per_token").asLong(), sparse.get("macs_per_token").asLong(), "unstructured sparsity keeps dense MACs");
        // nonzero counts agree with inspect's, and about half of the 226,560 block weights are gone
        assertEquals(CliRun.of("inspect", "--model", pruned.toString(), "--json").json().get("parameters").get("nonzero").asLong(),
                sparse.get("nonzero_parameters").asLong());
        assertEquals(CliRun.of("inspect", "--model", "stories260K", "--json").json().get("parameters").get("nonzero").asLong(),
                dense.get("nonzero_parameters").asLong());
        assertEquals(dense.get("nonzero_parameters").asLong() - 113280, sparse.get("nonzero_parameters").asLong(), 100);
        // 5 blocks: q,o 64x64, k,v 32x64, gate/up/down 172x64 -> 5*(2*4096+2*2048+3*11008) + classifier 512*64
        assertEquals(5L * (2 * 4096 + 2 * 2048 + 3 * 11008) + 512 * 64, dense.get("macs_per_token").asLong());
        assertTrue(sparse.get("decode_tokens_per_second").get("median").asDouble() > 0);
    }

    @Test
    void visionModelsReportImagesPerSecondPerBatch() throws Exception {
        Path ckpt = Path.of(getClass().getResource("/checkpoints/resnet20-12fca82f.th").toURI());
        CliRun r = CliRun.of("bench", "--arch", "resnet20", "--model", ckpt.toString(), "--batch", "1,4", "--runs", "2", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode m = r.json().get("models").get(0);
        assertEquals(2, m.get("batches").size());
        assertEquals(4, m.get("batches").get(1).get("batch").asInt());
        assertTrue(m.get("parameters").asLong() > 260_000 && m.get("parameters").asLong() < 280_000, m.toString());
        // ResNet-20 on 32x32 inputs: about 41 million MACs per image
        assertEquals(40.6e6, m.get("macs_per_image").asDouble(), 1.5e6);
    }

    @Test
    void onnxRuntimeMeasuresTheExportsAndDeletesThem() throws Exception {
        long before = onnxTemporaries();
        CliRun r = CliRun.of("bench", "--runtime", "onnxruntime", "--model", "stories260K", "--prefill", "32", "--decode", "4",
                "--runs", "2", "--warmup", "1", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        assertEquals("onnxruntime", o.get("runtime").asText());
        JsonNode m = o.get("models").get(0);
        assertEquals(2, m.get("decode_tokens_per_second").get("samples").size());
        assertTrue(m.get("prefill_tokens_per_second").get("min").asDouble() > 0);
        assertTrue(m.get("decode_tokens_per_second").get("min").asDouble() > 0);
        Path ckpt = Path.of(getClass().getResource("/checkpoints/resnet20-12fca82f.th").toURI());
        CliRun v = CliRun.of("bench", "--runtime", "onnxruntime", "--arch", "resnet20", "--model", ckpt.toString(), "--batch", "2",
                "--runs", "1", "--warmup", "0", "--threads", "1");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().startsWith("onnxruntime runtime, resnet20"), v.out());
        assertEquals(before, onnxTemporaries(), "the temporary ONNX exports are deleted");
    }

    private static long onnxTemporaries() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("prune4j-bench-onnx")).count();
        }
    }

    /**
     * The ViT in ONNX Runtime; its MACs count the attention: per image, 65 tokens of width 128, per layer
     * in_proj 65·128·384 + out_proj 65·128·128 + linear1/linear2 2·65·128·256 + scores and context 2·65·65·128,
     * times 6 layers, plus the patch convolution 64·128·48 and the head 128·10 = 58,002,176.
     */
    @Test
    void theVitRunsInOnnxRuntimeWithItsAttentionMacs() throws Exception {
        Path ckpt = dir.resolve("vit.safetensors");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.prune4j.internal.train.Checkpoints.save(ckpt,
                    org.prune4j.internal.model.vision.VisionModels.create("vit-cifar-tiny", m, 3), java.util.Map.of());
        }
        CliRun r = CliRun.of("bench", "--runtime", "onnxruntime", "--arch", "vit-cifar-tiny", "--model", ckpt.toString(),
                "--batch", "2", "--runs", "1", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode m = r.json().get("models").get(0);
        long perLayer = 65L * 128 * 384 + 65L * 128 * 128 + 2 * 65L * 128 * 256 + 2 * 65L * 65 * 128;
        assertEquals(6 * perLayer + 64L * 128 * 48 + 128 * 10, m.get("macs_per_image").asLong());
        assertEquals(58_002_176L, m.get("macs_per_image").asLong());
        assertTrue(m.get("batches").get(0).get("images_per_second").get("median").asDouble() > 0);
    }

    @Test
    void externalRuntimesAndBadSettingsAreOneLineErrors() {
        CliRun.of("bench", "--model", "stories260K", "--runtime", "llama.cpp").assertUserError("not supported yet");
        CliRun.of("bench", "--model", "stories260K", "--runtime", "tvm").assertUserError("unknown runtime");
        CliRun.of("bench", "--model", "stories260K", "--runs", "0").assertUserError("--runs");
        CliRun.of("bench", "--model", "stories260K", "--decode", "600").assertUserError("--decode");
    }
}
