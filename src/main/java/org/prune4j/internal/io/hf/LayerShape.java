package org.prune4j.internal.io.hf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/**
 * The widths of one decoder block, which structured pruning may shrink block by block: MLP neurons,
 * query heads and key/value heads. A block whose attention was removed entirely has 0 heads of both
 * kinds; one whose MLP was removed has intermediate size 0.
 *
 * @param intermediateSize rows of {@code gate_proj}/{@code up_proj}, columns of {@code down_proj}
 * @param numHeads query heads (rows of {@code q_proj} / head dim)
 * @param numKvHeads key/value heads (rows of {@code k_proj} and {@code v_proj} / head dim)
 */
public record LayerShape(int intermediateSize, int numHeads, int numKvHeads) {

    public LayerShape {
        if (intermediateSize < 0 || numHeads < 0 || numKvHeads < 0) {
            throw new IllegalArgumentException("negative layer width");
        }
    }

    /** Why this shape cannot be a block of a Llama-family model, or {@code null} when it can. */
    String problem() {
        if ((numHeads == 0) != (numKvHeads == 0)) {
            return numHeads + " query heads with " + numKvHeads + " key/value heads";
        }
        if (numKvHeads > 0 && numHeads % numKvHeads != 0) {
            return numHeads + " query heads is not a multiple of " + numKvHeads + " key/value heads";
        }
        return null;
    }

    /** The shape every block has under {@code config} (an unpruned model). */
    public static LayerShape uniform(LlamaConfig config) {
        return new LayerShape(config.intermediateSize(), config.numHeads(), config.numKvHeads());
    }

    /**
     * The shape of every block of {@code ckpt}, measured from its tensors (not from its config, which
     * describes the model before structured pruning). A {@link UserError} when a block's tensors are
     * missing or disagree with each other.
     */
    public static List<LayerShape> of(LlamaCheckpoint ckpt) {
        LlamaConfig c = ckpt.config();
        List<LayerShape> out = new ArrayList<>(c.numLayers());
        for (int i = 0; i < c.numLayers(); i++) {
            out.add(measure(ckpt.tensors(), i, c.headDim()));
        }
        return out;
    }

    /** True when every block has the same shape. */
    public static boolean isUniform(List<LayerShape> shapes) {
        return shapes.stream().distinct().count() <= 1;
    }

    private static LayerShape measure(Map<String, TensorData> t, int layer, int headDim) {
        long q = rows(t, LlamaTensorNames.linearWeight(layer, "self_attn.q_proj"));
        long k = rows(t, LlamaTensorNames.linearWeight(layer, "self_attn.k_proj"));
        long gate = rows(t, LlamaTensorNames.linearWeight(layer, "mlp.gate_proj"));
        if (q % headDim != 0 || k % headDim != 0) {
            throw new UserError("block " + layer + ": q_proj has " + q + " rows and k_proj " + k
                    + ", not whole heads of " + headDim);
        }
        LayerShape s = new LayerShape(Math.toIntExact(gate), Math.toIntExact(q / headDim), Math.toIntExact(k / headDim));
        String problem = s.problem();
        if (problem != null) {
            throw new UserError("block " + layer + ": " + problem);
        }
        return s;
    }

    private static long rows(Map<String, TensorData> t, String name) {
        TensorData d = t.get(name);
        if (d == null) {
            throw new UserError("the model lacks " + name);
        }
        long[] shape = d.shape();
        if (shape.length != 2) {
            throw new UserError(name + " has shape " + Arrays.toString(shape) + ", expected a matrix");
        }
        return shape[0];
    }
}
