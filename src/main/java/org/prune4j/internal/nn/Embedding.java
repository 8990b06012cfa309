package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A lookup table {@code [vocab, dim]}: token ids to vectors. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(NDArray weight) {
        this.weight = registerParameter("weight", weight);
    }

    public Parameter weight() {
        return weight;
    }

    public long vocabSize() {
        return weight.value().getShape().get(0);
    }

    /** Looks up {@code ids} (integer, any shape); the result is attached to {@code scope}. */
    public NDArray forward(NDManager scope, NDArray ids) {
        NDArray idx = ids.toType(ai.djl.ndarray.types.DataType.INT64, false);
        idx.attach(scope);
        NDArray out = idx.getNDArrayInternal()
                .embedding(idx, weight.value(), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
        out.attach(scope);
        fireHooks(ids, out);
        return out;
    }
}
