package org.prune4j.internal.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.BlockSource;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.prune.kv.KvCacheSpec;

/** Perplexity through the decode path with full and limited KV caches on stories260K. */
class DecodePerplexityTest {
    private static NDManager weights;
    private static LlamaCheckpoint ckpt;
    private static LlamaModel model;
    private static int[][] rows;

    @BeforeAll
    static void load() throws Exception {
        weights = NDManager.newBaseManager();
        ckpt = ModelLocator.loadLlama("stories260K", null);
        model = LlamaModel.load(ckpt, weights);
        try (SafetensorsFile f = SafetensorsFile.open(java.nio.file.Path.of(
                DecodePerplexityTest.class.getResource("/org/prune4j/models/stories260K/protocol.safetensors").toURI()))) {
            int[] ids = f.get("eval_ids").toInts();
            rows = new int[3][128];
            for (int r = 0; r < 3; r++) {
                System.arraycopy(ids, r * 256, rows[r], 0, 128);
            }
        }
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void theFullCacheGivesTheOrdinaryWindowedEvaluation() {
        Perplexity.Result batch = new Perplexity(model).evaluate(rows, BlockSource.readOnly(ckpt));
        DecodePerplexity.Result decode = DecodePerplexity.evaluate(model, rows, List.of(KvCacheSpec.FULL::create)).get(0);
        double[] a = batch.rowLosses();
        double[] b = decode.rowLosses();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 2e-6 * Math.abs(a[i]), "row " + i);
        }
        assertEquals(batch.ppl(), decode.ppl(), 2e-6 * batch.ppl());
        // 5 layers x 4 kv heads x 8 wide x 127 decoded positions (the last token is only predicted)
        // x keys and values x 4 bytes
        assertEquals(5L * 4 * 8 * 127 * 2 * 4, decode.peakKvBytes());
    }

    @Test
    void everyPolicyWithABudgetOfTheWholeRowEqualsTheFullCacheAndSmallerBudgetsDiffer() {
        List<KvCacheSpec> specs = List.of(KvCacheSpec.FULL, KvCacheSpec.parse("window", 128),
                KvCacheSpec.parse("sinks", 128), KvCacheSpec.parse("h2o", 128), KvCacheSpec.parse("snapkv", 128),
                KvCacheSpec.parse("snapkv:heads=query", 128));
        List<DecodePerplexity.Result> all = DecodePerplexity.evaluate(model, rows,
                specs.stream().<java.util.function.BiFunction<LlamaModel, Integer, org.prune4j.internal.model.llama.KvCache>>map(
                        s -> s::create).toList());
        for (int i = 1; i < all.size(); i++) {
            assertArrayEquals(all.get(0).rowLosses(), all.get(i).rowLosses(), 1e-7, specs.get(i).text());
        }
        List<KvCacheSpec> small = List.of(KvCacheSpec.parse("window", 32), KvCacheSpec.parse("sinks", 32),
                KvCacheSpec.parse("h2o", 32), KvCacheSpec.parse("snapkv:window=8", 32));
        List<DecodePerplexity.Result> limited = DecodePerplexity.evaluate(model, rows,
                small.stream().<java.util.function.BiFunction<LlamaModel, Integer, org.prune4j.internal.model.llama.KvCache>>map(
                        s -> s::create).toList());
        for (int i = 0; i < limited.size(); i++) {
            assertNotEquals(all.get(0).ppl(), limited.get(i).ppl(), small.get(i).text());
            assertEquals(5L * 4 * 8 * 32 * 2 * 4, limited.get(i).peakKvBytes(), small.get(i).text());
        }
    }
}
