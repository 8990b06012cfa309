package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head self-attention over batch-first tokens {@code [N, S, E]}, with PyTorch's {@code
 * nn.MultiheadAttention} parameters: {@code in_proj_weight [3E, E]} (query, key and value projections
 * stacked in that order), {@code in_proj_bias [3E]} and the output projection {@code out_proj} ({@link
 * Linear}, {@code [E, E]}). No mask: every token attends to every token.
 *
 * <p>After structural pruning of whole heads the inner width {@code D = heads · head_dim} may be smaller
 * than {@code E}: {@code in_proj_weight [3D, E]}, {@code out_proj [E, D]}; the head width stays.
 *
 * <p>Hooks on this module see the input tokens and the attention output (after {@code out_proj}); hooks on
 * {@link #outProj()} see the concatenated heads before the output projection.
 */
public final class MultiheadSelfAttention extends Module {
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;
    private final int numHeads;
    private final float attentionDropout;

    /**
     * @param inProjWeight {@code [3D, E]} (D = heads · head_dim; D = E unless heads were pruned)
     * @param inProjBias {@code [3D]} or null
     * @param outProj the output projection {@code [E, D]}
     * @param numHeads heads; must divide {@code D}
     * @param attentionDropout dropout rate on the attention weights in training mode
     */
    public MultiheadSelfAttention(NDArray inProjWeight, NDArray inProjBias, Linear outProj, int numHeads,
            float attentionDropout) {
        Shape s = inProjWeight.getShape();
        if (s.dimension() != 2 || numHeads <= 0 || s.get(0) % (3L * numHeads) != 0) {
            throw new IllegalArgumentException("in_proj_weight must be [3·heads·head_dim, E] for " + numHeads
                    + " heads, got " + s);
        }
        long inner = s.get(0) / 3;
        if (outProj.inFeatures() != inner || outProj.outFeatures() != s.get(1)) {
            throw new IllegalArgumentException("out_proj must be [" + s.get(1) + ", " + inner + "], got ["
                    + outProj.outFeatures() + ", " + outProj.inFeatures() + "]");
        }
        this.inProjWeight = registerParameter("in_proj_weight", inProjWeight);
        this.inProjBias = inProjBias == null ? null : registerParameter("in_proj_bias", inProjBias);
        this.outProj = registerChild("out_proj", outProj);
        this.numHeads = numHeads;
        this.attentionDropout = attentionDropout;
    }

    public Parameter inProjWeight() {
        return inProjWeight;
    }

    /** The in-projection bias, or {@code null}. */
    public Parameter inProjBias() {
        return inProjBias;
    }

    public Linear outProj() {
        return outProj;
    }

    public int numHeads() {
        return numHeads;
    }

    public long embedDim() {
        return inProjWeight.value().getShape().get(1);
    }

    /** Width of the concatenated heads, {@code heads · head_dim}. */
    public long innerDim() {
        return inProjWeight.value().getShape().get(0) / 3;
    }

    /** Width of one head. */
    public long headDim() {
        return innerDim() / numHeads;
    }

    /** Attention dropout rate (training mode). */
    public float attentionDropout() {
        return attentionDropout;
    }

    /** Attends over {@code x [N, S, E]}; returns {@code [N, S, E]} in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        return attend(x, null, false).output();
    }

    /**
     * Attends over {@code x [N, S, E]} and also returns what inference-time token reduction reads: the keys
     * averaged over heads and, when {@code keepProbabilities}, the attention probabilities.
     *
     * @param x tokens {@code [N, S, E]}
     * @param keyLogSizes {@code [N, S]} added to the attention logits of every query for each key (ToMe's
     *     proportional attention: the log of how many original tokens a key stands for), or {@code null}
     * @param keepProbabilities whether to return the attention probabilities {@code [N, H, S, S]}
     */
    public AttentionOutput attend(NDArray x, NDArray keyLogSizes, boolean keepProbabilities) {
        Shape xs = x.getShape();
        long n = xs.get(0);
        long seq = xs.get(1);
        long e = innerDim();
        long dh = e / numHeads;
        NDArray qkv = ai.djl.nn.core.Linear.linear(x, inProjWeight.value(),
                inProjBias == null ? null : inProjBias.value()).singletonOrThrow();
        // [N, S, 3, H, Dh] -> [3, N, H, S, Dh]
        NDArray heads = qkv.reshape(n, seq, 3, numHeads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = heads.get(0);
        NDArray k = heads.get(1);
        NDArray v = heads.get(2);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        scores = scores.div(GraphScalar.of(scores, Math.sqrt(dh)));
        if (keyLogSizes != null) {
            scores = scores.add(keyLogSizes.reshape(n, 1, 1, seq));
        }
        NDArray attn = scores.softmax(-1);
        if (isTraining() && attentionDropout > 0) {
            attn = ai.djl.nn.norm.Dropout.dropout(attn, attentionDropout, true).singletonOrThrow();
        }
        NDArray ctx = attn.matMul(v).transpose(0, 2, 1, 3).reshape(n, seq, e);
        NDArray y = outProj.forward(ctx);
        fireHooks(x, y);
        return new AttentionOutput(y, k, keepProbabilities ? attn : null);
    }
}
