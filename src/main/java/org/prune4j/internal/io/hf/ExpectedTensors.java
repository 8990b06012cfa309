package org.prune4j.internal.io.hf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/**
 * The tensors a Llama-family model has, by canonical name, with their shapes, in the order prune4j
 * writes them: embedding; per block input norm, q/k/v (weight then bias when present), o, post-attention
 * norm, gate, up, down; final norm; classifier unless tied.
 */
final class ExpectedTensors {
    private ExpectedTensors() {}

    /** Expected name to shape for {@code config} with blocks shaped as {@code layers}, no o_proj or MLP biases. */
    static Map<String, long[]> of(LlamaConfig config, List<LayerShape> layers, boolean withLmHead) {
        return of(config, layers, withLmHead, false, false);
    }

    /** Expected name to shape; {@code outputBias}: o_proj has a bias; {@code mlpBias}: gate, up and down have one. */
    static Map<String, long[]> of(LlamaConfig config, List<LayerShape> layers, boolean withLmHead, boolean outputBias,
            boolean mlpBias) {
        long h = config.hiddenSize();
        long hd = config.headDim();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put(LlamaTensorNames.EMBED, new long[] {config.vocabSize(), h});
        for (int i = 0; i < layers.size(); i++) {
            LayerShape s = layers.get(i);
            long q = s.numHeads() * hd;
            long kv = s.numKvHeads() * hd;
            long inter = s.intermediateSize();
            out.put(LlamaTensorNames.inputNorm(i), new long[] {h});
            linear(out, config, i, "self_attn.q_proj", q, h);
            linear(out, config, i, "self_attn.k_proj", kv, h);
            linear(out, config, i, "self_attn.v_proj", kv, h);
            linear(out, outputBias, i, "self_attn.o_proj", h, q);
            out.put(LlamaTensorNames.postAttentionNorm(i), new long[] {h});
            linear(out, mlpBias, i, "mlp.gate_proj", inter, h);
            linear(out, mlpBias, i, "mlp.up_proj", inter, h);
            linear(out, mlpBias, i, "mlp.down_proj", h, inter);
        }
        out.put(LlamaTensorNames.FINAL_NORM, new long[] {h});
        if (withLmHead) {
            out.put(LlamaTensorNames.LM_HEAD, new long[] {config.vocabSize(), h});
        }
        return out;
    }

    private static void linear(Map<String, long[]> out, LlamaConfig c, int layer, String linear, long rows, long cols) {
        linear(out, c.attentionBias(), layer, linear, rows, cols);
    }

    private static void linear(Map<String, long[]> out, boolean bias, int layer, String linear, long rows, long cols) {
        out.put(LlamaTensorNames.linearWeight(layer, linear), new long[] {rows, cols});
        if (bias) {
            out.put(LlamaTensorNames.linearBias(layer, linear), new long[] {rows});
        }
    }

    /**
     * True for tensors that checkpoints may carry but that hold nothing a model needs: the rotary
     * inverse-frequency buffers older {@code transformers} versions saved.
     */
    static boolean isIgnorable(String name) {
        return name.endsWith(".rotary_emb.inv_freq");
    }
}
