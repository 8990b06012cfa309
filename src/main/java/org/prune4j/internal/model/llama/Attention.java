package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.prune4j.internal.nn.GraphScalar;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/**
 * Multi-head causal self-attention with rotary position embeddings and grouped-query attention
 * ({@code self_attn} in a Hugging Face Llama block).
 *
 * <p>The numbers of query and key/value heads are read from the current shapes of {@code q_proj} and
 * {@code k_proj} at every pass ({@code rows / headDim}), so structured pruning may shrink them; each
 * key/value head serves {@code numHeads / numKvHeads} consecutive query heads. A sublayer with no head
 * left ({@link #isRemoved}) outputs only {@code o_proj}'s bias, or zeros. Hooks on this module see
 * the block's normalised input and the {@code o_proj} output.
 */
public final class Attention extends Module {
    private final int layerIndex;
    private final int headDim;
    private Linear qProj;
    private Linear kProj;
    private Linear vProj;
    private Linear oProj;

    Attention(int layerIndex, int headDim, Linear qProj, Linear kProj, Linear vProj, Linear oProj) {
        this.layerIndex = layerIndex;
        this.headDim = headDim;
        this.qProj = registerChild("q_proj", qProj);
        this.kProj = registerChild("k_proj", kProj);
        this.vProj = registerChild("v_proj", vProj);
        this.oProj = registerChild("o_proj", oProj);
    }

    public Linear qProj() {
        return qProj;
    }

    public Linear kProj() {
        return kProj;
    }

    public Linear vProj() {
        return vProj;
    }

    public Linear oProj() {
        return oProj;
    }

    /** Width of one head (fixed by the rotary embedding). */
    public int headDim() {
        return headDim;
    }

    /** Query heads, from {@code q_proj}'s current shape. */
    public int numHeads() {
        return Math.toIntExact(qProj.outFeatures() / headDim);
    }

    /** Key/value heads, from {@code k_proj}'s current shape. */
    public int numKvHeads() {
        return Math.toIntExact(kProj.outFeatures() / headDim);
    }

    /**
     * {@code x [B, T, D]} → {@code [B, T, D]}: project to queries, keys and values, rotate queries and
     * keys by their positions, attend causally (softmax in fp32), merge the heads and project back.
     */
    public NDArray forward(NDArray x, AttentionContext ctx) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int nHeads = numHeads();
        int nKv = numKvHeads();
        checkShapes(nHeads, nKv);
        if (nHeads == 0) {
            NDArray out = removedBranch(x);
            fireHooks(x, out);
            return out;
        }

        // [B, T, heads·hd] → [B, heads, T, hd]
        NDArray q = qProj.forward(x).reshape(b, t, nHeads, headDim).transpose(0, 2, 1, 3);
        NDArray k = kProj.forward(x).reshape(b, t, nKv, headDim).transpose(0, 2, 1, 3);
        NDArray v = vProj.forward(x).reshape(b, t, nKv, headDim).transpose(0, 2, 1, 3);

        boolean evicting = ctx.cache() != null && ctx.cache().evicting();
        if (evicting) {
            NDList step = ctx.cache().attend(layerIndex, q, k, v, ctx);
            q = step.get(0);
            k = step.get(1);
            v = step.get(2);
        } else {
            q = RotaryEmbedding.apply(q, ctx.cos(), ctx.sin());
            k = RotaryEmbedding.apply(k, ctx.cos(), ctx.sin());
            if (ctx.cache() != null) {
                NDList all = ctx.cache().store(layerIndex, k, v, ctx.start());
                k = all.get(0);
                v = all.get(1);
            }
        }

        // grouped-query attention: key/value head g serves query heads g·group .. g·group+group-1
        // (a per-query-head cache already holds one copy per query head)
        int group = nHeads / Math.toIntExact(k.getShape().get(1));
        NDArray keysBeforeRepeat = k;
        NDArray valuesBeforeRepeat = v;
        if (group > 1) {
            k = k.repeat(1, group);
            v = v.repeat(1, group);
        }

        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        scores = scores.divi(GraphScalar.of(scores, (float) Math.sqrt(headDim)));
        if (ctx.mask() != null) {
            scores = scores.addi(ctx.mask());
        }
        NDArray weights = scores.softmax(-1);
        if (evicting) {
            ctx.cache().observe(layerIndex, weights);
        }
        if (ctx.observer() != null) {
            ctx.observer().observe(layerIndex, weights, group > 1 ? keysBeforeRepeat : k, group > 1 ? valuesBeforeRepeat : v);
        }
        NDArray heads = weights.matMul(v); // [B, heads, T, hd]
        NDArray merged = heads.transpose(0, 2, 1, 3).reshape(b, t, (long) nHeads * headDim);
        NDArray out = oProj.forward(merged);
        fireHooks(x, out);
        return out;
    }

    /**
     * The output of an attention sublayer whose heads were all removed: {@code o_proj}'s bias (a
     * constant that bias compensation may have left) or zeros, shaped like {@code x}.
     */
    private NDArray removedBranch(NDArray x) {
        NDArray out = x.zerosLike();
        return oProj.bias() == null ? out : out.addi(oProj.bias().value());
    }

    /** True when every head was removed: the sublayer adds only {@code o_proj}'s bias (if any) to the residual. */
    public boolean isRemoved() {
        return qProj.outFeatures() == 0;
    }

    private void checkShapes(int nHeads, int nKv) {
        if (qProj.outFeatures() % headDim != 0 || kProj.outFeatures() % headDim != 0
                || vProj.outFeatures() != kProj.outFeatures() || oProj.inFeatures() != qProj.outFeatures()
                || (nKv == 0) != (nHeads == 0) || (nKv > 0 && nHeads % nKv != 0)) {
            throw new IllegalStateException("block " + layerIndex + ": inconsistent attention shapes: q_proj "
                    + qProj.weight().value().getShape() + ", k_proj " + kProj.weight().value().getShape() + ", v_proj "
                    + vProj.weight().value().getShape() + ", o_proj " + oProj.weight().value().getShape()
                    + " with head dim " + headDim);
        }
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        if (!(replacement instanceof Linear l)) {
            throw new IllegalArgumentException(name + " must be a Linear, got " + replacement.getClass().getSimpleName());
        }
        switch (name) {
            case "q_proj" -> qProj = l;
            case "k_proj" -> kProj = l;
            case "v_proj" -> vProj = l;
            case "o_proj" -> oProj = l;
            default -> throw new IllegalArgumentException("no child " + name);
        }
    }
}
