package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/** Shapes, variants, hooks, export and memory discipline of {@link LlamaModel}. */
class LlamaModelStructureTest {
    private static final int[] TINY_IDS = {1, 5, 31, 7, 7, 0, 12, 30, 2, 9, 4};

    static float[] flat(float[][] rows) {
        int n = rows[0].length;
        float[] out = new float[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * n, n);
        }
        return out;
    }

    static float[] logits(LlamaModel model, int[] ids) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return model.logits(scope, scope.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
    }

    static float[] decodeAll(LlamaModel model, int[] ids) {
        int v = model.config().vocabSize();
        float[] out = new float[ids.length * v];
        try (KvCache cache = KvCache.create(model, ids.length)) {
            for (int p = 0; p < ids.length; p++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    System.arraycopy(model.decodeStep(scope, ids[p], p, cache).toFloatArray(), 0, out, p * v, v);
                }
            }
        }
        return out;
    }

    @Test
    void naiveReferenceImplementationAgreesWithModelPy() {
        // validates the float-loop model used as the oracle in the other tests
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        int[] prompt = ReferenceFixture.tensor("logit_prompt_ids").toInts();
        float[] want = ReferenceFixture.tensor("logits_prompt_all_positions").toFloats();
        LlamaModelReferenceTest.assertClose(want, flat(new NaiveLlama(ckpt).logits(prompt)), 1e-4, "naive");
    }

    @Test
    void tinyModelWithBiasesAndUntiedHeadMatchesNaiveForward() {
        for (DType dtype : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            LlamaCheckpoint ckpt = TestCheckpoints.tinyRandom(7, dtype);
            try (NDManager weights = NDManager.newBaseManager()) {
                LlamaModel model = LlamaModel.load(ckpt, weights);
                assertFalse(model.tiedEmbeddings());
                assertInstanceOf(Linear.class, model.lmHead());
                assertTrue(model.blocks().get(0).selfAttn().qProj().bias() != null);
                float[] want = flat(new NaiveLlama(ckpt).logits(TINY_IDS));
                LlamaModelReferenceTest.assertClose(want, logits(model, TINY_IDS), 1e-4, dtype + " full forward");
                LlamaModelReferenceTest.assertClose(want, decodeAll(model, TINY_IDS), 1e-4, dtype + " KV decode");
                assertTrue(model.namedParameters().containsKey("lm_head.weight"));
                assertTrue(model.namedParameters().containsKey("model.layers.1.self_attn.v_proj.bias"));
            }
        }
    }

    @Test
    void batchedRowsAreIndependent() {
        LlamaCheckpoint ckpt = TestCheckpoints.tinyRandom(3, DType.F32);
        int[] other = {4, 4, 8, 15, 16, 23, 4, 2, 0, 31, 1};
        try (NDManager weights = NDManager.newBaseManager(); NDManager scope = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, weights);
            int[] both = new int[TINY_IDS.length * 2];
            System.arraycopy(TINY_IDS, 0, both, 0, TINY_IDS.length);
            System.arraycopy(other, 0, both, TINY_IDS.length, other.length);
            float[] batched = model.logits(scope, scope.create(both, new Shape(2, TINY_IDS.length))).toFloatArray();
            float[] a = logits(model, TINY_IDS);
            float[] b = logits(model, other);
            float[] joined = new float[a.length + b.length];
            System.arraycopy(a, 0, joined, 0, a.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            LlamaModelReferenceTest.assertClose(joined, batched, 1e-5, "batched");
        }
    }

    @Test
    void shrunkBlockRunsAndEqualsTheZeroedDenseModel() {
        LlamaCheckpoint dense = ModelLocator.loadLlama("stories260K", null);
        // block 2: keep 3 of 4 key/value heads (6 of 8 query heads) and 120 of 172 neurons
        LlamaCheckpoint shrunk = TestCheckpoints.shrinkBlock(dense, 2, 3, 120);
        LlamaCheckpoint zeroed = TestCheckpoints.zeroBlockColumns(dense, 2, 6 * 8, 120);
        int[] prompt = ReferenceFixture.tensor("logit_prompt_ids").toInts();
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(shrunk, weights);
            DecoderBlock b2 = model.blocks().get(2);
            assertEquals(6, b2.selfAttn().numHeads());
            assertEquals(3, b2.selfAttn().numKvHeads());
            assertEquals(120, b2.mlp().intermediateSize());
            assertEquals(8, model.blocks().get(1).selfAttn().numHeads());
            assertEquals(172, model.blocks().get(3).mlp().intermediateSize());
            float[] got = logits(model, prompt);
            LlamaModelReferenceTest.assertClose(flat(new NaiveLlama(shrunk).logits(prompt)), got, 1e-4, "shrunk vs naive");
            try (NDManager w2 = NDManager.newBaseManager()) {
                float[] z = logits(LlamaModel.load(zeroed, w2), prompt);
                LlamaModelReferenceTest.assertClose(z, got, 1e-4, "shrunk vs zeroed dense");
            }
            LlamaModelReferenceTest.assertClose(got, decodeAll(model, prompt), 1e-4, "shrunk KV decode");

            LlamaCheckpoint exported = model.toCheckpoint();
            assertArrayEquals(new long[] {48, 64},
                    exported.tensor(LlamaTensorNames.linearWeight(2, "self_attn.q_proj")).shape());
            assertArrayEquals(new long[] {64, 120}, exported.tensor(LlamaTensorNames.linearWeight(2, "mlp.down_proj")).shape());
            assertEquals(8, exported.config().numHeads(), "non-uniform blocks keep the loaded config");
            try (NDManager w3 = NDManager.newBaseManager()) {
                LlamaModelReferenceTest.assertClose(got, logits(LlamaModel.load(exported, w3), prompt), 0, "reloaded");
            }
        }
    }

    @Test
    void exportIsCanonicalFloat32AndTiedHeadIsListedOnce() {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ckpt, weights);
            assertTrue(model.tiedEmbeddings());
            assertInstanceOf(TiedLmHead.class, model.lmHead());
            assertFalse(model.namedParameters().containsKey("lm_head.weight"));
            long stored = ckpt.tensors().values().stream().mapToLong(TensorData::numel).sum();
            assertEquals(stored, model.parameterCount());
            LlamaCheckpoint out = model.toCheckpoint();
            assertEquals(ckpt.tensors().keySet(), out.tensors().keySet());
            for (Map.Entry<String, TensorData> e : ckpt.tensors().entrySet()) {
                TensorData got = out.tensor(e.getKey());
                assertEquals(DType.F32, got.dtype());
                assertArrayEquals(e.getValue().toFloats(), got.toFloats(), e.getKey());
            }
            assertEquals(ckpt.config(), out.config());
        }
    }

    @Test
    void everyLinearFiresItsHookOncePerForward() {
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(TestCheckpoints.tinyRandom(1, DType.F32), weights);
            Map<String, Integer> calls = new LinkedHashMap<>();
            List<HookHandle> handles = new ArrayList<>();
            for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
                if (e.getValue() instanceof Linear) {
                    String path = e.getKey();
                    calls.put(path, 0);
                    handles.add(e.getValue().addForwardHook((m, in, out) -> {
                        assertEquals(3, in.getShape().dimension());
                        assertEquals(((Linear) m).inFeatures(), in.getShape().get(2));
                        calls.merge(path, 1, Integer::sum);
                    }));
                }
            }
            assertEquals(2 * 7 + 1, calls.size());
            assertTrue(calls.containsKey("model.layers.1.mlp.down_proj"));
            assertTrue(calls.containsKey("lm_head"));
            logits(model, TINY_IDS);
            calls.forEach((k, v) -> assertEquals(1, v, k));
            handles.forEach(HookHandle::close);
            logits(model, TINY_IDS);
            calls.forEach((k, v) -> assertEquals(1, v, k));
        }
    }

    @Test
    void repeatedPassesDoNotGrowTheWeightsManager() {
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
            int[] ids = ReferenceFixture.tensor("logit_prompt_ids").toInts();
            int before = ((BaseNDManager) weights).getManagedArrays().size();
            for (int i = 0; i < 200; i++) {
                try (NDManager scope = weights.newSubManager()) {
                    NDArray logits = model.logits(scope, scope.create(ids, new Shape(1, ids.length)));
                    // the pass leaves only its inputs, context and result in the scope, not every intermediate
                    assertTrue(((BaseNDManager) scope).getManagedArrays().size() <= 8,
                            "scope holds " + ((BaseNDManager) scope).getManagedArrays().size() + " arrays");
                    logits.close();
                }
            }
            try (KvCache cache = KvCache.create(model, 200)) {
                for (int p = 0; p < 200; p++) {
                    try (NDManager scope = weights.newSubManager()) {
                        model.decodeStep(scope, ids[p % ids.length], p, cache);
                    }
                }
            }
            assertEquals(before, ((BaseNDManager) weights).getManagedArrays().size());
        }
    }

    @Test
    void badInputsAreUserErrors() {
        try (NDManager weights = NDManager.newBaseManager(); NDManager scope = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
            UserError vocab = assertThrows(UserError.class,
                    () -> model.logits(scope, scope.create(new int[] {1, 512}, new Shape(1, 2))));
            assertTrue(vocab.getMessage().contains("vocabulary"), vocab.getMessage());
            UserError ctx = assertThrows(UserError.class,
                    () -> model.logits(scope, scope.create(new int[513], new Shape(1, 513))));
            assertTrue(ctx.getMessage().contains("context"), ctx.getMessage());
        }
        LlamaCheckpoint dense = ModelLocator.loadLlama("stories260K", null);
        Map<String, TensorData> missing = new LinkedHashMap<>(dense.tensors());
        missing.remove(LlamaTensorNames.linearWeight(3, "mlp.up_proj"));
        try (NDManager weights = NDManager.newBaseManager()) {
            UserError e = assertThrows(UserError.class, () -> LlamaModel.load(dense.withTensors(missing), weights));
            assertTrue(e.getMessage().contains("model.layers.3.mlp.up_proj.weight"), e.getMessage());
            // 6 query heads cannot share 4 key/value heads
            Map<String, TensorData> ragged = new LinkedHashMap<>(TestCheckpoints.shrinkBlock(dense, 1, 3, 172).tensors());
            ragged.put(LlamaTensorNames.linearWeight(1, "self_attn.k_proj"), dense.tensor(LlamaTensorNames.linearWeight(1, "self_attn.k_proj")));
            ragged.put(LlamaTensorNames.linearWeight(1, "self_attn.v_proj"), dense.tensor(LlamaTensorNames.linearWeight(1, "self_attn.v_proj")));
            assertThrows(UserError.class, () -> LlamaModel.load(dense.withTensors(ragged), weights));
        }
    }
}
