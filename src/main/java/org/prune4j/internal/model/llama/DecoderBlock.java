package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.RMSNorm;

/**
 * One pre-norm Llama decoder block ({@code model.layers.<i>}):
 * <pre>
 *   h   = x + self_attn(input_layernorm(x))
 *   out = h + mlp(post_attention_layernorm(h))
 * </pre>
 * Hooks on the block see its input and output hidden states {@code [B, T, D]}.
 */
public final class DecoderBlock extends Module {
    private final int index;
    private RMSNorm inputLayernorm;
    private Attention selfAttn;
    private RMSNorm postAttentionLayernorm;
    private Mlp mlp;

    DecoderBlock(int index, RMSNorm inputLayernorm, Attention selfAttn, RMSNorm postAttentionLayernorm, Mlp mlp) {
        this.index = index;
        this.inputLayernorm = registerChild("input_layernorm", inputLayernorm);
        this.selfAttn = registerChild("self_attn", selfAttn);
        this.postAttentionLayernorm = registerChild("post_attention_layernorm", postAttentionLayernorm);
        this.mlp = registerChild("mlp", mlp);
    }

    /** Position of the block in the stack ({@code i} of {@code model.layers.i}). */
    public int index() {
        return index;
    }

    public RMSNorm inputLayernorm() {
        return inputLayernorm;
    }

    public Attention selfAttn() {
        return selfAttn;
    }

    public RMSNorm postAttentionLayernorm() {
        return postAttentionLayernorm;
    }

    public Mlp mlp() {
        return mlp;
    }

    /**
     * Runs the block on {@code hidden [B, T, D]}. The result is attached to {@code hidden}'s manager;
     * every intermediate is created in a sub-manager that is closed before returning, so the block's
     * peak memory is bounded and nothing stays behind (hooks must copy what they keep).
     */
    public NDArray forward(NDArray hidden, AttentionContext ctx) {
        NDManager owner = hidden.getManager();
        try (NDManager pass = owner.newSubManager()) {
            hidden.tempAttach(pass);
            // a removed sublayer adds only a constant: its norm is not computed
            NDArray h = hidden.add(selfAttn.forward(selfAttn.isRemoved() ? hidden : inputLayernorm.forward(hidden), ctx));
            NDArray out = h.add(mlp.forward(mlp.isRemoved() ? h : postAttentionLayernorm.forward(h)));
            fireHooks(hidden, out);
            out.attach(owner);
            return out;
        }
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        switch (name) {
            case "input_layernorm" -> inputLayernorm = require(name, RMSNorm.class, replacement);
            case "post_attention_layernorm" -> postAttentionLayernorm = require(name, RMSNorm.class, replacement);
            case "self_attn" -> selfAttn = require(name, Attention.class, replacement);
            case "mlp" -> mlp = require(name, Mlp.class, replacement);
            default -> throw new IllegalArgumentException("no child " + name);
        }
    }

    private static <T extends Module> T require(String name, Class<T> type, Module replacement) {
        if (!type.isInstance(replacement)) {
            throw new IllegalArgumentException(name + " must be a " + type.getSimpleName() + ", got "
                    + replacement.getClass().getSimpleName());
        }
        return type.cast(replacement);
    }
}
