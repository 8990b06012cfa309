package org.prune4j.internal.prune.tokens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.prune4j.internal.model.vision.TokenState;

/**
 * A per-image linear map from {@code from} tokens to {@code to} tokens: output token {@code o} of image
 * {@code n} is {@code Σ_s weights[n][o][s] · input[n][s]}. Merging (a size-weighted average), dropping (a
 * one-hot row per kept token) and fusing (an attention-weighted sum) are all such maps, applied as one
 * batched matrix product.
 */
final class TokenMixing {
    private final int batch;
    private final int from;
    private final int to;
    private final float[] weights;
    private final float[] sizes;

    private TokenMixing(int batch, int from, int to, float[] weights, float[] sizes) {
        this.batch = batch;
        this.from = from;
        this.to = to;
        this.weights = weights;
        this.sizes = sizes;
    }

    /** Builds a map row by row. */
    static final class Builder {
        private final int batch;
        private final int from;
        private final int to;
        private final float[] weights;
        private float[] sizes;

        Builder(int batch, int from, int to) {
            this.batch = batch;
            this.from = from;
            this.to = to;
            this.weights = new float[Math.multiplyExact(Math.multiplyExact(batch, from), to)];
        }

        /** Adds {@code weight · input[image][source]} to output token {@code target}. */
        Builder add(int image, int target, int source, float weight) {
            weights[(image * to + target) * from + source] += weight;
            return this;
        }

        /** Records how many original tokens output token {@code target} stands for. */
        Builder size(int image, int target, float size) {
            if (sizes == null) {
                sizes = new float[batch * to];
            }
            sizes[image * to + target] = size;
            return this;
        }

        TokenMixing build() {
            return new TokenMixing(batch, from, to, weights, sizes);
        }
    }

    /** Applies the map to {@code state}; the new sizes are the recorded ones, or none when none were recorded. */
    TokenState apply(TokenState state) {
        NDArray x = state.tokens();
        if (state.batch() != batch || state.length() != from) {
            throw new IllegalArgumentException("mixing for " + batch + "x" + from + " tokens applied to "
                    + state.batch() + "x" + state.length());
        }
        NDArray w = x.getManager().create(weights, new Shape(batch, to, from));
        return new TokenState(w.matMul(x), sizes);
    }
}
