package org.prune4j.internal.model.llama;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;

/** Checkpoints built in memory for tests: random tiny models and slices of real ones. */
final class TestCheckpoints {
    private TestCheckpoints() {}

    /**
     * A random model: hidden 16, MLP 24, 2 blocks, 4 query heads over 2 key/value heads of width 4,
     * vocab 32, context 16, q/k/v biases, an untied classifier; weights stored as {@code dtype}.
     */
    static LlamaCheckpoint tinyRandom(long seed, DType dtype) {
        LlamaConfig c = new LlamaConfig("Qwen2ForCausalLM", 16, 24, 2, 4, 2, 4, 32, 16, 10000.0, 1e-6, false, true, 1, 2);
        Random rnd = new Random(seed);
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put(LlamaTensorNames.EMBED, random(rnd, dtype, 1.0f, 32, 16));
        for (int i = 0; i < 2; i++) {
            t.put(LlamaTensorNames.inputNorm(i), normWeight(rnd, dtype, 16));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.q_proj"), random(rnd, dtype, 0.25f, 16, 16));
            t.put(LlamaTensorNames.linearBias(i, "self_attn.q_proj"), random(rnd, dtype, 0.1f, 16));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.k_proj"), random(rnd, dtype, 0.25f, 8, 16));
            t.put(LlamaTensorNames.linearBias(i, "self_attn.k_proj"), random(rnd, dtype, 0.1f, 8));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.v_proj"), random(rnd, dtype, 0.25f, 8, 16));
            t.put(LlamaTensorNames.linearBias(i, "self_attn.v_proj"), random(rnd, dtype, 0.1f, 8));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.o_proj"), random(rnd, dtype, 0.25f, 16, 16));
            t.put(LlamaTensorNames.postAttentionNorm(i), normWeight(rnd, dtype, 16));
            t.put(LlamaTensorNames.linearWeight(i, "mlp.gate_proj"), random(rnd, dtype, 0.25f, 24, 16));
            t.put(LlamaTensorNames.linearWeight(i, "mlp.up_proj"), random(rnd, dtype, 0.25f, 24, 16));
            t.put(LlamaTensorNames.linearWeight(i, "mlp.down_proj"), random(rnd, dtype, 0.2f, 16, 24));
        }
        t.put(LlamaTensorNames.FINAL_NORM, normWeight(rnd, dtype, 16));
        t.put(LlamaTensorNames.LM_HEAD, random(rnd, dtype, 0.5f, 32, 16));
        return new LlamaCheckpoint(c, t, CheckpointFormat.HF, null, null);
    }

    private static TensorData random(Random rnd, DType dtype, float scale, long... shape) {
        return gaussian(rnd, dtype, scale, 0f, shape);
    }

    private static TensorData normWeight(Random rnd, DType dtype, long size) {
        return gaussian(rnd, dtype, 0.2f, 1.0f, size);
    }

    private static TensorData gaussian(Random rnd, DType dtype, float scale, float offset, long... shape) {
        float[] v = new float[(int) TensorData.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = offset + scale * (float) rnd.nextGaussian();
        }
        return TensorData.ofFloats(shape, v).convertTo(dtype);
    }

    /**
     * {@code ckpt} with block {@code block} reduced to the query heads {@code 0..keepKv·group-1} (whole
     * groups, so key/value heads {@code 0..keepKv-1}) and MLP neurons {@code 0..keepNeurons-1}.
     */
    static LlamaCheckpoint shrinkBlock(LlamaCheckpoint ckpt, int block, int keepKv, int keepNeurons) {
        LlamaConfig c = ckpt.config();
        int hd = c.headDim();
        int keepQ = keepKv * c.groupSize();
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        rows(t, LlamaTensorNames.linearWeight(block, "self_attn.q_proj"), keepQ * hd);
        rows(t, LlamaTensorNames.linearWeight(block, "self_attn.k_proj"), keepKv * hd);
        rows(t, LlamaTensorNames.linearWeight(block, "self_attn.v_proj"), keepKv * hd);
        cols(t, LlamaTensorNames.linearWeight(block, "self_attn.o_proj"), keepQ * hd);
        rows(t, LlamaTensorNames.linearWeight(block, "mlp.gate_proj"), keepNeurons);
        rows(t, LlamaTensorNames.linearWeight(block, "mlp.up_proj"), keepNeurons);
        cols(t, LlamaTensorNames.linearWeight(block, "mlp.down_proj"), keepNeurons);
        return ckpt.withTensors(t);
    }

    /**
     * {@code ckpt} with the columns {@code from..} of block {@code block}'s o_proj and down_proj zeroed:
     * the dense equivalent of {@link #shrinkBlock} (removed heads and neurons then contribute nothing).
     */
    static LlamaCheckpoint zeroBlockColumns(LlamaCheckpoint ckpt, int block, int oFrom, int downFrom) {
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        zeroCols(t, LlamaTensorNames.linearWeight(block, "self_attn.o_proj"), oFrom);
        zeroCols(t, LlamaTensorNames.linearWeight(block, "mlp.down_proj"), downFrom);
        return ckpt.withTensors(t);
    }

    private static void rows(Map<String, TensorData> t, String name, int keep) {
        TensorData d = t.get(name);
        int cols = (int) d.shape()[1];
        float[] f = java.util.Arrays.copyOf(d.toFloats(), keep * cols);
        t.put(name, TensorData.ofFloats(new long[] {keep, cols}, f));
    }

    private static void cols(Map<String, TensorData> t, String name, int keep) {
        TensorData d = t.get(name);
        int r = (int) d.shape()[0];
        int cols = (int) d.shape()[1];
        float[] f = d.toFloats();
        float[] out = new float[r * keep];
        for (int i = 0; i < r; i++) {
            System.arraycopy(f, i * cols, out, i * keep, keep);
        }
        t.put(name, TensorData.ofFloats(new long[] {r, keep}, out));
    }

    private static void zeroCols(Map<String, TensorData> t, String name, int from) {
        TensorData d = t.get(name);
        int r = (int) d.shape()[0];
        int cols = (int) d.shape()[1];
        float[] f = d.toFloats();
        for (int i = 0; i < r; i++) {
            for (int j = from; j < cols; j++) {
                f[i * cols + j] = 0;
            }
        }
        t.put(name, TensorData.ofFloats(d.shape(), f));
    }
}
