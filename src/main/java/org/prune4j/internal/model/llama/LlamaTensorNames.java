package org.prune4j.internal.model.llama;

import java.util.List;

/**
 * prune4j's canonical tensor names for Llama-family models: the Hugging Face names, with q/k projection
 * rows in Hugging Face's rotary layout (each head's first half of rows holds the "real" parts and the
 * second half the "imaginary" parts, rotated with {@code rotate_half}). Readers of other formats
 * (llama2.c) convert to these names and this layout; writers convert back.
 */
public final class LlamaTensorNames {
    private LlamaTensorNames() {}

    public static final String EMBED = "model.embed_tokens.weight";
    /** Prefix of every decoder block's tensors ({@code model.layers.}). */
    public static final String BLOCKS = "model.layers.";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    /** The seven prunable Linear layers of a decoder block, relative to the block. */
    public static final List<String> BLOCK_LINEARS = List.of(
            "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    /** {@code model.layers.<i>.} */
    public static String block(int i) {
        return BLOCKS + i + ".";
    }

    public static String inputNorm(int i) {
        return block(i) + "input_layernorm.weight";
    }

    public static String postAttentionNorm(int i) {
        return block(i) + "post_attention_layernorm.weight";
    }

    /** Weight of one of {@link #BLOCK_LINEARS} in block {@code i}. */
    public static String linearWeight(int i, String linear) {
        return block(i) + linear + ".weight";
    }

    /** Bias of one of {@link #BLOCK_LINEARS} in block {@code i} (present only with attention biases). */
    public static String linearBias(int i, String linear) {
        return block(i) + linear + ".bias";
    }
}
