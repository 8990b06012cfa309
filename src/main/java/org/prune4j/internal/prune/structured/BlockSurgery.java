package org.prune4j.internal.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.prune4j.internal.model.llama.Attention;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.Mlp;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Parameter;

/**
 * Physically removes heads and neurons from a loaded decoder block: its Linear layers are replaced by
 * smaller ones holding the kept rows and columns (in ascending original order), key/value heads laid
 * out by {@link KvLayout}, and the compensation biases added to {@code o_proj}/{@code down_proj}.
 */
final class BlockSurgery {
    private BlockSurgery() {}

    /** Applies {@code plan} (indices into the block's current heads and neurons) to {@code block}; new weights go to {@code weights}. */
    static void apply(DecoderBlock block, LayerPlan plan, NDManager weights) {
        Attention attn = block.selfAttn();
        int hd = attn.headDim();
        int heads = attn.numHeads();
        int[] kept = plan.keptHeads();
        if (kept.length > 0 && kept[kept.length - 1] >= heads || plan.keptNeurons().length > 0
                && plan.keptNeurons()[plan.keptNeurons().length - 1] >= block.mlp().intermediateSize()) {
            throw new IllegalArgumentException("block " + block.index() + ": plan " + plan + " exceeds its widths");
        }
        if (heads > 0 && (kept.length != heads || plan.oProjBias() != null)) {
            int r = heads / attn.numKvHeads();
            KvLayout layout = KvLayout.of(kept, r);
            int[] qRows = blockRows(layout.queryHeads(), hd);
            int[] kvRows = blockRows(layout.kvHeads(), hd);
            replace(attn, "q_proj", rows(attn.qProj(), qRows, weights));
            replace(attn, "k_proj", rows(attn.kProj(), kvRows, weights));
            replace(attn, "v_proj", rows(attn.vProj(), kvRows, weights));
            replace(attn, "o_proj", columns(attn.oProj(), qRows, plan.oProjBias(), weights));
        }
        Mlp mlp = block.mlp();
        int[] neurons = plan.keptNeurons();
        if (mlp.intermediateSize() > 0 && (neurons.length != mlp.intermediateSize() || plan.downProjBias() != null)) {
            replace(mlp, "gate_proj", rows(mlp.gateProj(), neurons, weights));
            replace(mlp, "up_proj", rows(mlp.upProj(), neurons, weights));
            replace(mlp, "down_proj", columns(mlp.downProj(), neurons, plan.downProjBias(), weights));
        }
    }

    private static void replace(org.prune4j.internal.nn.Module parent, String name, Linear replacement) {
        Linear old = (Linear) parent.children().get(name);
        parent.replaceChild(name, replacement);
        old.weight().value().close();
        if (old.bias() != null) {
            old.bias().value().close();
        }
    }

    /** Rows {@code u·width .. u·width+width-1} of every unit {@code u}, in order. */
    static int[] blockRows(int[] units, int width) {
        int[] rows = new int[units.length * width];
        for (int i = 0; i < units.length; i++) {
            for (int j = 0; j < width; j++) {
                rows[i * width + j] = units[i] * width + j;
            }
        }
        return rows;
    }

    private static Linear rows(Linear l, int[] keep, NDManager m) {
        int in = Math.toIntExact(l.inFeatures());
        float[] w = l.weight().value().toFloatArray();
        float[] out = new float[keep.length * in];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(w, keep[i] * in, out, i * in, in);
        }
        NDArray bias = null;
        Parameter b = l.bias();
        if (b != null) {
            float[] bv = b.value().toFloatArray();
            float[] nb = new float[keep.length];
            for (int i = 0; i < keep.length; i++) {
                nb[i] = bv[keep[i]];
            }
            bias = m.create(nb, new Shape(keep.length));
        }
        return new Linear(m.create(out, new Shape(keep.length, in)), bias);
    }

    private static Linear columns(Linear l, int[] keep, float[] extraBias, NDManager m) {
        int in = Math.toIntExact(l.inFeatures());
        int outF = Math.toIntExact(l.outFeatures());
        float[] w = l.weight().value().toFloatArray();
        float[] out = new float[outF * keep.length];
        for (int r = 0; r < outF; r++) {
            for (int i = 0; i < keep.length; i++) {
                out[r * keep.length + i] = w[r * in + keep[i]];
            }
        }
        float[] bias = l.bias() == null ? null : l.bias().value().toFloatArray();
        if (extraBias != null) {
            if (extraBias.length != outF) {
                throw new IllegalArgumentException("bias of " + extraBias.length + " for " + outF + " outputs");
            }
            bias = bias == null ? extraBias.clone() : bias;
            if (l.bias() != null) {
                for (int i = 0; i < outF; i++) {
                    bias[i] += extraBias[i];
                }
            }
        }
        return new Linear(m.create(out, new Shape(outF, keep.length)),
                bias == null ? null : m.create(bias, new Shape(outF)));
    }
}
