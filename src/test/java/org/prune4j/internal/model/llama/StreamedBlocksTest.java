package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.model.ModelLocator;

class StreamedBlocksTest {
    @TempDir
    Path dir;

    private static int[][] randomRows(int rows, int len, long seed) {
        Random r = new Random(seed);
        int[][] out = new int[rows][len];
        for (int[] row : out) {
            for (int i = 0; i < len; i++) {
                row[i] = r.nextInt(512);
            }
        }
        return out;
    }

    @Test
    void streamedEvaluationEqualsTheLoadedModelAndSavedBlocksAreSeen() throws Exception {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        int[][] rows = randomRows(6, 64, 7);
        try (NDManager m = NDManager.newBaseManager(); StreamedBlocks blocks = new StreamedBlocks(ckpt, dir)) {
            Perplexity.Result resident = new Perplexity(LlamaModel.load(ckpt, m)).evaluate(rows);
            LlamaModel shell = LlamaModel.loadShell(ckpt, m);
            assertEquals(0, shell.blocks().size());
            Perplexity.Result streamed = new Perplexity(shell).evaluate(rows, blocks);
            assertArrayEquals(resident.rowLosses(), streamed.rowLosses(), 1e-5);

            try (NDManager w = m.newSubManager()) {
                DecoderBlock b = blocks.open(3, w);
                b.mlp().downProj().weight().value().muli(0).addi(0f);
                blocks.save(b);
            }
            float[] saved = blocks.checkpoint().tensor(LlamaTensorNames.linearWeight(3, "mlp.down_proj")).toFloats();
            assertArrayEquals(new float[saved.length], saved);
            double changed = new Perplexity(shell).evaluate(rows, blocks).ppl();
            assertFalse(Math.abs(changed - resident.ppl()) < 1e-6, "the saved block is used by the next pass");
            float[] original = ckpt.tensor(LlamaTensorNames.linearWeight(3, "mlp.down_proj")).toFloats();
            assertFalse(java.util.Arrays.equals(original, saved), "the input checkpoint is untouched");
        }
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "scratch folder removed on close");
        }
    }
}
