package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;

/**
 * The tokens of a vision transformer between two steps of a forward pass with token reduction.
 *
 * @param tokens {@code [N, S, E]}; token 0 of every image is the class token
 * @param sizes how many original tokens (class token and patches) each token stands for, row-major
 *     {@code [N][S]}, or {@code null} while every token is one original token
 */
public record TokenState(NDArray tokens, float[] sizes) {
    public TokenState {
        if (sizes != null) {
            long expected = tokens.getShape().get(0) * tokens.getShape().get(1);
            if (sizes.length != expected) {
                throw new IllegalArgumentException("sizes has " + sizes.length + " entries for " + expected + " tokens");
            }
            sizes = sizes.clone();
        }
    }

    @Override
    public float[] sizes() {
        return sizes == null ? null : sizes.clone();
    }

    /** Images in the batch. */
    public int batch() {
        return Math.toIntExact(tokens.getShape().get(0));
    }

    /** Tokens per image. */
    public int length() {
        return Math.toIntExact(tokens.getShape().get(1));
    }
}
