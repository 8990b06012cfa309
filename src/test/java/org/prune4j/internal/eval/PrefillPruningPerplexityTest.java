package org.prune4j.internal.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;

/** SpAtten-style prefill token pruning on stories260K. */
class PrefillPruningPerplexityTest {
    private static NDManager weights;
    private static LlamaModel model;
    private static int[][] rows;

    @BeforeAll
    static void load() throws Exception {
        weights = NDManager.newBaseManager();
        model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
        try (SafetensorsFile f = SafetensorsFile.open(java.nio.file.Path.of(PrefillPruningPerplexityTest.class
                .getResource("/org/prune4j/models/stories260K/protocol.safetensors").toURI()))) {
            int[] ids = f.get("eval_ids").toInts();
            rows = new int[2][96];
            for (int r = 0; r < 2; r++) {
                System.arraycopy(ids, r * 256, rows[r], 0, 96);
            }
        }
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    /** The continuation's mean loss decoded token by token from scratch with the ordinary full cache. */
    private static double fullDecodeContinuationLoss(int[] row, int prompt) {
        double total = 0;
        try (KvCache cache = KvCache.create(model, row.length)) {
            for (int t = 0; t + 1 < row.length; t++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    float[] logits = model.decodeStep(scope, row[t], t, cache).toFloatArray();
                    if (t + 1 >= prompt) {
                        total -= DecodePerplexity.logSoftmax(logits, row[t + 1]);
                    }
                }
            }
        }
        return total / (row.length - prompt);
    }

    @Test
    void withoutPruningTheContinuationScoresAsWithTheFullCache() {
        PrefillPruningPerplexity.Result[] r = PrefillPruningPerplexity.evaluate(model, rows, 40,
                new double[] {1, 1, 1, 1, 1});
        for (int i = 0; i < rows.length; i++) {
            double expected = fullDecodeContinuationLoss(rows[i], 40);
            assertEquals(expected, r[0].rowLosses()[i], 1e-5 * expected, "unpruned row " + i);
            assertEquals(expected, r[1].rowLosses()[i], 1e-5 * expected, "keep 1 row " + i);
        }
        assertArrayEquals(new int[] {40, 40, 40, 40, 40}, r[1].tokensPerBlock());
    }

    @Test
    void tokensDropInCascadeAndTheContinuationStillScores() {
        PrefillPruningPerplexity.Result[] r = PrefillPruningPerplexity.evaluate(model, rows, 64,
                new double[] {0.7, 0.7, 0.7, 0.7, 0.7});
        // ⌈64·0.7⌉ = 45, ⌈45·0.7⌉ = 32, ⌈32·0.7⌉ = 23, ⌈23·0.7⌉ = 17 (nothing is dropped after the last block)
        assertArrayEquals(new int[] {64, 45, 32, 23, 17}, r[1].tokensPerBlock());
        assertTrue(r[1].ppl() > r[0].ppl() && r[1].ppl() < 3 * r[0].ppl(), r[1].ppl() + " vs " + r[0].ppl());
    }
}
