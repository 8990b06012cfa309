package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (RoPE) in Hugging Face's half-split layout: within a head, dimension
 * {@code j < headDim/2} rotates together with dimension {@code j + headDim/2} by the angle
 * {@code position · θ^(−2j/headDim)}.
 *
 * <p>The cos/sin tables ({@link RotaryTable}) for every position of the context are computed once per model
 * and live in the model's manager; {@link #slice} copies the rows a
 * pass needs into the pass's scope.
 */
final class RotaryEmbedding {
    private final int headDim;
    private final int maxPositions;
    private final NDArray cos;
    private final NDArray sin;

    RotaryEmbedding(NDManager weights, int headDim, int maxPositions, double theta) {
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        RotaryTable table = RotaryTable.of(headDim, maxPositions, theta);
        this.cos = weights.create(table.cos(), new Shape(maxPositions, headDim));
        this.sin = weights.create(table.sin(), new Shape(maxPositions, headDim));
    }

    int headDim() {
        return headDim;
    }

    int maxPositions() {
        return maxPositions;
    }

    /** The {@code [length, headDim]} cos and sin rows for positions {@code start .. start+length-1}, in {@code scope}. */
    NDList slice(NDManager scope, int start, int length) {
        NDIndex rows = new NDIndex("{}:{}", start, start + length);
        NDArray c = cos.get(rows);
        c.attach(scope);
        NDArray s = sin.get(rows);
        s.attach(scope);
        return new NDList(c, s);
    }

    /**
     * Rotates {@code x [..., T, headDim]} by the angles of {@code cos}/{@code sin [T, headDim]}:
     * {@code x·cos + rotate_half(x)·sin} with {@code rotate_half([x1, x2]) = [−x2, x1]}.
     */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        int last = x.getShape().dimension() - 1;
        NDList halves = x.split(2, last);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), last);
        return x.mul(cos).addi(rotated.muli(sin));
    }
}
