package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.nn.Embedding;
import org.prune4j.internal.nn.Module;

/**
 * The classifier of a model with tied word embeddings: {@code logits = x · Eᵀ} with the token embedding
 * matrix {@code E}. It owns no parameter (the matrix is listed once, as
 * {@code model.embed_tokens.weight}), so pruning or exporting the embedding changes the classifier too.
 * Hooks see the final-normed hidden states and the logits.
 */
final class TiedLmHead extends Module {
    private final Embedding embedding;

    TiedLmHead(Embedding embedding) {
        this.embedding = embedding;
    }

    /** The embedding whose matrix this head reuses. */
    public Embedding embedding() {
        return embedding;
    }

    /** {@code x [..., D]} → logits {@code [..., V]}. */
    public NDArray forward(NDArray x) {
        NDArray y = ai.djl.nn.core.Linear.linear(x, embedding.weight().value(), null).singletonOrThrow();
        fireHooks(x, y);
        return y;
    }
}
