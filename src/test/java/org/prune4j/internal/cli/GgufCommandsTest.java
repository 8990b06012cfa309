package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/** GGUF through the command line: convert to and from it, prune a GGUF model, write a pruned model as GGUF, bad input. */
class GgufCommandsTest {
    @TempDir
    Path dir;

    @Test
    void convertToGgufAndBackToLlama2cCarriesEveryWeightExactly() throws Exception {
        Path gguf = dir.resolve("m.gguf");
        CliRun r = CliRun.of("convert", "--model", "stories260K", "--to", "gguf", "--out", gguf.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("llama", r.json().get("architecture").asText());
        assertEquals("f32", r.json().get("dtype").asText());
        Path back = dir.resolve("back.bin");
        CliRun r2 = CliRun.of("convert", "--model", gguf.toString(), "--to", "llama2c", "--out", back.toString());
        assertEquals(0, r2.code(), r2.err());
        // llama2.c -> llama2.c recomputes the unused legacy RoPE tables; every weight is carried exactly
        Path direct = dir.resolve("direct.bin");
        assertEquals(0, CliRun.of("convert", "--model", "stories260K", "--to", "llama2c", "--out", direct.toString()).code());
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(back));
    }

    @Test
    void pruningAGgufModelWritesAGgufModelAndPruneWritesGgufByExtension() throws Exception {
        Path gguf = dir.resolve("m.gguf");
        assertEquals(0, CliRun.of("convert", "--model", "stories260K", "--to", "gguf", "--dtype", "f16", "--out", gguf.toString()).code());
        Path pruned = dir.resolve("pruned.gguf");
        CliRun r = CliRun.of("prune", "--model", gguf.toString(), "--method", "magnitude", "--sparsity", "0.5",
                "--out", pruned.toString());
        assertEquals(0, r.code(), r.err());
        LlamaCheckpoint p = ModelLocator.loadLlama(pruned.toString(), null);
        assertEquals(CheckpointFormat.GGUF, p.format());
        assertEquals(org.prune4j.internal.io.DType.F16, p.tensor(LlamaTensorNames.linearWeight(0, "mlp.up_proj")).dtype(), "the input's f16 is kept");
        assertEquals(0.5, zeros(p.tensor(LlamaTensorNames.linearWeight(0, "mlp.up_proj")).toFloats()), 1e-3);

        Path fromBundled = dir.resolve("fromBundled.gguf");
        CliRun r2 = CliRun.of("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "0.5",
                "--max-eval-windows", "1", "--out", fromBundled.toString());
        assertEquals(0, r2.code(), r2.err());
        LlamaCheckpoint q = ModelLocator.loadLlama(fromBundled.toString(), null);
        assertEquals(CheckpointFormat.GGUF, q.format());
        assertEquals(0.5, zeros(q.tensor(LlamaTensorNames.linearWeight(3, "self_attn.q_proj")).toFloats()), 1e-3);
    }

    @Test
    void badInputIsOneLineExitTwoAndWritesNothing() throws Exception {
        Path out = dir.resolve("x.gguf");
        CliRun.of("convert", "--model", "stories260K", "--to", "gguf", "--dtype", "q4_k", "--out", out.toString())
                .assertUserError("not a GGUF storage type");
        assertFalse(Files.exists(out));
        Path corrupt = dir.resolve("corrupt.gguf");
        Files.write(corrupt, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        CliRun.of("convert", "--model", corrupt.toString(), "--to", "gguf", "--out", out.toString()).assertUserError("corrupt GGUF");
        CliRun.of("inspect", "--model", corrupt.toString()).assertUserError("corrupt GGUF");
        assertFalse(Files.exists(out));
        Path noTok = dir.resolve("alone.bin");
        Files.copy(BundledModels.checkpoint("stories260K"), noTok);
        CliRun.of("convert", "--model", noTok.toString(), "--to", "gguf", "--out", out.toString()).assertUserError("pass --tokenizer");
        assertFalse(Files.exists(out));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".tmp")), "no temporary files left");
        }
    }

    private static double zeros(float[] w) {
        int z = 0;
        for (float v : w) {
            if (v == 0f) {
                z++;
            }
        }
        return (double) z / w.length;
    }
}
