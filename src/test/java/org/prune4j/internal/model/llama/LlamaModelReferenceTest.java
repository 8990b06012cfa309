package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.model.ModelLocator;

/** stories260K (8 query heads sharing 4 key/value heads) against llama2.c's model.py and run.c logits. */
class LlamaModelReferenceTest {
    private static NDManager weights;
    private static LlamaModel model;
    private static int[] prompt;
    private static float[] expected;
    private static final int V = 512;

    @BeforeAll
    static void load() {
        weights = NDManager.newBaseManager();
        model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
        prompt = ReferenceFixture.tensor("logit_prompt_ids").toInts();
        expected = ReferenceFixture.tensor("logits_prompt_all_positions").toFloats();
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void isGroupedQueryAttention() {
        Attention a = model.blocks().get(0).selfAttn();
        assertEquals(8, a.numHeads());
        assertEquals(4, a.numKvHeads());
        assertEquals(14, prompt.length);
    }

    @Test
    void fullForwardMatchesModelPy() {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray ids = scope.create(prompt, new Shape(1, prompt.length));
            float[] got = model.logits(scope, ids).toFloatArray();
            assertClose(expected, got, 3e-5, "full forward"); // 1.1e-5 reached
        }
    }

    @Test
    void fullForwardMatchesRunC() {
        float[] runc = ReferenceFixture.tensor("runc_logits_prompt_all_positions").toFloats();
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray ids = scope.create(prompt, new Shape(1, prompt.length));
            assertClose(runc, model.logits(scope, ids).toFloatArray(), 3e-5, "full forward vs run.c"); // 1.1e-5
        }
    }

    @Test
    void kvCacheDecodeMatchesModelPy() {
        try (KvCache cache = KvCache.create(model, prompt.length)) {
            float[] got = new float[prompt.length * V];
            for (int pos = 0; pos < prompt.length; pos++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    NDArray logits = model.decodeStep(scope, prompt[pos], pos, cache);
                    assertEquals(new Shape(V), logits.getShape());
                    System.arraycopy(logits.toFloatArray(), 0, got, pos * V, V);
                }
            }
            assertEquals(prompt.length, cache.length());
            assertClose(expected, got, 3e-5, "KV-cache decode"); // 1.2e-5 reached
        }
    }

    @Test
    void chunkedCachedDecodeMatchesModelPy() {
        int split = 5;
        try (KvCache cache = KvCache.create(model, prompt.length); NDManager scope = NDManager.newBaseManager()) {
            float[] first = model.decode(scope, java.util.Arrays.copyOfRange(prompt, 0, split), 0, cache).toFloatArray();
            float[] rest = model.decode(scope, java.util.Arrays.copyOfRange(prompt, split, prompt.length), split, cache)
                    .toFloatArray();
            float[] got = new float[prompt.length * V];
            System.arraycopy(first, 0, got, 0, first.length);
            System.arraycopy(rest, 0, got, first.length, rest.length);
            assertClose(expected, got, 3e-5, "chunked cached decode"); // 1.2e-5 reached
        }
    }

    static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max <= tol, what + ": max abs diff " + max + " > " + tol);
    }
}
