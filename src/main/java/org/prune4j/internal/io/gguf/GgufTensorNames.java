package org.prune4j.internal.io.gguf;

import java.util.Map;

/** llama.cpp's tensor names of Llama-family models and the prune4j (Hugging Face) names they hold. */
final class GgufTensorNames {
    static final String TOKEN_EMBD = "token_embd.weight";
    static final String OUTPUT_NORM = "output_norm.weight";
    static final String OUTPUT = "output.weight";

    /** Block tensor suffix in GGUF to the prune4j name relative to the block ({@code model.layers.i.}). */
    static final Map<String, String> BLOCK = Map.ofEntries(
            Map.entry("attn_norm.weight", "input_layernorm.weight"),
            Map.entry("attn_q.weight", "self_attn.q_proj.weight"),
            Map.entry("attn_k.weight", "self_attn.k_proj.weight"),
            Map.entry("attn_v.weight", "self_attn.v_proj.weight"),
            Map.entry("attn_output.weight", "self_attn.o_proj.weight"),
            Map.entry("attn_q.bias", "self_attn.q_proj.bias"),
            Map.entry("attn_k.bias", "self_attn.k_proj.bias"),
            Map.entry("attn_v.bias", "self_attn.v_proj.bias"),
            Map.entry("attn_output.bias", "self_attn.o_proj.bias"),
            Map.entry("ffn_norm.weight", "post_attention_layernorm.weight"),
            Map.entry("ffn_gate.weight", "mlp.gate_proj.weight"),
            Map.entry("ffn_up.weight", "mlp.up_proj.weight"),
            Map.entry("ffn_down.weight", "mlp.down_proj.weight"),
            Map.entry("ffn_gate.bias", "mlp.gate_proj.bias"),
            Map.entry("ffn_up.bias", "mlp.up_proj.bias"),
            Map.entry("ffn_down.bias", "mlp.down_proj.bias"));

    private GgufTensorNames() {}

    static String block(int i, String suffix) {
        return "blk." + i + "." + suffix;
    }

    /** True for the q/k tensors whose rows llama.cpp's {@code llama}/{@code deci} graphs expect in interleaved rotary order. */
    static boolean isRotary(String suffix) {
        return suffix.startsWith("attn_q.") || suffix.startsWith("attn_k.");
    }
}
