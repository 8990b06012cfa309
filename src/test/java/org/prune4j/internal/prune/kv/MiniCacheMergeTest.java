package org.prune4j.internal.prune.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.eval.DecodePerplexity;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;

class MiniCacheMergeTest {

    @Test
    void pairsStartAtTheGivenBlock() {
        MiniCacheMerge m = MiniCacheMerge.of(2, 0.6, 0);
        for (int l = 0; l < 5; l++) {
            assertEquals(l == 3, m.mergesWithPrevious(l, 5), "layer " + l);
        }
        MiniCacheMerge one = MiniCacheMerge.of(1, 0.6, 0);
        assertTrue(one.mergesWithPrevious(2, 6) && one.mergesWithPrevious(4, 6) && !one.mergesWithPrevious(3, 6));
    }

    @Test
    void aMergedPairKeepsItsMagnitudesAlongTheSlerpDirection() {
        float[] a = {1, 0};
        float[] b = {0, 2};
        assertFalse(MiniCacheMerge.of(0, 0.5, 0).merge(1, true, a, b));
        float h = (float) Math.sqrt(0.5);
        assertArrayEquals(new float[] {h, h}, a, 1e-6f);
        assertArrayEquals(new float[] {2 * h, 2 * h}, b, 1e-6f);
        // t = 0.6 on a right angle: weights sin(0.4·π/2) and sin(0.6·π/2)
        float[] c = {3, 0};
        float[] d = {0, 1};
        MiniCacheMerge.of(0, 0.6, 0).merge(1, true, c, d);
        double wa = Math.sin(0.4 * Math.PI / 2);
        double wb = Math.sin(0.6 * Math.PI / 2);
        double n = Math.hypot(wa, wb);
        assertArrayEquals(new float[] {(float) (3 * wa / n), (float) (3 * wb / n)}, c, 1e-6f);
        assertArrayEquals(new float[] {(float) (wa / n), (float) (wb / n)}, d, 1e-6f);
    }

    @Test
    void theMostDistinctPositionsAreRetained() {
        MiniCacheMerge m = MiniCacheMerge.of(0, 0.6, 0.25);
        // distances so far decide: a first position is always at the top quantile
        assertTrue(m.merge(1, true, new float[] {1, 0}, new float[] {0, 1}));
        // a closer pair than the one seen: below the 0.75 quantile of {close, right angle} → merged
        assertFalse(m.merge(1, true, new float[] {1, 0}, new float[] {1, 0.1f}));
        // keys and values keep their own distances
        assertTrue(m.merge(1, false, new float[] {1, 0}, new float[] {1, 0.1f}));
        assertEquals(0.5, MiniCacheMerge.quantile(List.of(0.1, 0.5, 0.9), 0.5), 0);
    }

    @Test
    void retainingEverythingIsTheFullCacheAndMergingSavesTheBytesItShould() throws Exception {
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
            int[][] rows = {new int[64]};
            var f = org.prune4j.internal.io.SafetensorsFile.open(java.nio.file.Path.of(getClass()
                    .getResource("/org/prune4j/models/stories260K/protocol.safetensors").toURI()));
            System.arraycopy(f.get("eval_ids").toInts(), 0, rows[0], 0, 64);
            f.close();
            List<java.util.function.BiFunction<LlamaModel, Integer, KvCache>> caches = List.of(KvCacheSpec.FULL::create,
                    KvCacheSpec.parse("minicache:retain=1", null)::create, KvCacheSpec.parse("minicache:retain=0", null)::create);
            List<DecodePerplexity.Result> r = DecodePerplexity.evaluate(model, rows, caches);
            assertArrayEquals(r.get(0).rowLosses(), r.get(1).rowLosses(), 0.0);
            assertEquals(r.get(0).peakKvBytes(), r.get(1).peakKvBytes());
            // pair (2, 3): 63 positions x 4 heads x (keys, values) stored as 8 + 2 floats instead of 16
            assertEquals(r.get(0).peakKvBytes() - 63L * 4 * 2 * (8 - 2) * 4, r.get(2).peakKvBytes());
            assertTrue(r.get(2).ppl() != r.get(0).ppl());
        }
    }

    @Test
    void badSettingsAreOneLineErrors() {
        UserError budget = assertThrows(UserError.class, () -> KvCacheSpec.parse("minicache", 64));
        assertTrue(budget.getMessage().contains("takes no budget"), budget.getMessage());
        UserError t = assertThrows(UserError.class, () -> KvCacheSpec.parse("minicache:t=2", null));
        assertTrue(t.getMessage().contains("t and retain in [0, 1]"), t.getMessage());
        UserError key = assertThrows(UserError.class, () -> KvCacheSpec.parse("minicache:budget=3", null));
        assertTrue(key.getMessage().contains("no option 'budget'"), key.getMessage());
    }
}
