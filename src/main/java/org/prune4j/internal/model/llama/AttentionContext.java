package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.prune4j.UserError;

/**
 * What the attention layers of one pass share: the rotary cos/sin rows of the positions being
 * computed, the causal mask, and, for incremental decoding, the key/value cache.
 *
 * <p>Everything lives in the pass's scope manager. Build one per pass with {@link #causal} (a fresh
 * context, positions {@code 0..T-1}) or {@link #cached} (positions {@code start..start+T-1} appended
 * to a {@link KvCache}), and hand it to every {@link DecoderBlock#forward}.
 */
final class AttentionContext {
    private final NDArray cos;
    private final NDArray sin;
    private final NDArray mask;
    private final int start;
    private final int length;
    private final KvCache cache;
    private final AttentionObserver observer;

    private AttentionContext(NDArray cos, NDArray sin, NDArray mask, int start, int length, KvCache cache) {
        this(cos, sin, mask, start, length, cache, null);
    }

    private AttentionContext(NDArray cos, NDArray sin, NDArray mask, int start, int length, KvCache cache,
            AttentionObserver observer) {
        this.cos = cos;
        this.sin = sin;
        this.mask = mask;
        this.start = start;
        this.length = length;
        this.cache = cache;
        this.observer = observer;
    }

    /** Receives, per block, the attention probabilities and the rotated keys and values of a pass. */
    @FunctionalInterface
    interface AttentionObserver {
        /**
         * @param layer block index
         * @param probabilities {@code [1, heads, T, T]}
         * @param keys rotated keys {@code [1, kvHeads, T, hd]}
         * @param values values {@code [1, kvHeads, T, hd]}
         */
        void observe(int layer, NDArray probabilities, NDArray keys, NDArray values);
    }

    /**
     * A causal context for one sequence (batch 1) of tokens at the given ascending positions (a subset of a
     * sequence, as after token pruning): each token attends to the given tokens at or before its position;
     * {@code observer} sees every block's attention.
     */
    static AttentionContext atPositions(LlamaModel model, NDManager scope, int[] positions, AttentionObserver observer) {
        int t = positions.length;
        checkLength(model, positions[t - 1], 1);
        int hd = model.rotary().headDim();
        NDList all = model.rotary().slice(scope, 0, positions[t - 1] + 1);
        NDArray index = scope.create(positions);
        NDArray cos = all.get(0).get(index);
        NDArray sin = all.get(1).get(index);
        float[] m = new float[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                m[q * t + k] = Float.NEGATIVE_INFINITY;
            }
        }
        if (cos.getShape().get(1) != hd) {
            throw new IllegalStateException("rotary rows of width " + cos.getShape().get(1) + " for head dim " + hd);
        }
        return new AttentionContext(cos, sin, scope.create(m, new Shape(t, t)), 0, t, null, observer);
    }

    /** The observer of a token-pruning pass, or null. */
    AttentionObserver observer() {
        return observer;
    }

    /**
     * A fresh causal context for sequences of {@code seqLen} tokens at positions {@code 0..seqLen-1}.
     *
     * @throws UserError when {@code seqLen} exceeds the model's context length
     */
    public static AttentionContext causal(LlamaModel model, NDManager scope, int seqLen) {
        checkLength(model, 0, seqLen);
        NDList cs = model.rotary().slice(scope, 0, seqLen);
        return new AttentionContext(cs.get(0), cs.get(1), causalMask(scope, 0, seqLen), 0, seqLen, null);
    }

    /**
     * A context that computes positions {@code start..start+length-1} of one sequence (batch 1),
     * appends their keys and values to {@code cache}, and attends to everything cached before them.
     */
    public static AttentionContext cached(LlamaModel model, NDManager scope, int start, int length, KvCache cache) {
        cache.checkAppend(start, length);
        if (cache.rotatesBySlot()) {
            // positions come from the cache slots, so the stream may run past the model's context
            return new AttentionContext(null, null, null, start, length, cache);
        }
        checkLength(model, start, length);
        NDList cs = model.rotary().slice(scope, start, length);
        NDArray mask = length == 1 ? null : causalMask(scope, start, length);
        return new AttentionContext(cs.get(0), cs.get(1), mask, start, length, cache);
    }

    private static void checkLength(LlamaModel model, int start, int length) {
        if (length < 1) {
            throw new UserError("empty sequence: at least one token is needed");
        }
        int ctx = model.config().maxPositions();
        if (start < 0 || (long) start + length > ctx) {
            throw new UserError("sequence of " + ((long) start + length) + " positions is longer than the model's context of "
                    + ctx + " positions");
        }
    }

    /** {@code [length, start+length]}: 0 where query {@code start+t} may see key {@code j} ({@code j ≤ start+t}), −∞ after. */
    private static NDArray causalMask(NDManager scope, int start, int length) {
        int keys = start + length;
        float[] m = new float[length * keys];
        for (int t = 0; t < length; t++) {
            for (int j = start + t + 1; j < keys; j++) {
                m[t * keys + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return scope.create(m, new Shape(length, keys));
    }

    /** Rotary cos rows {@code [T, headDim]}. */
    NDArray cos() {
        return cos;
    }

    /** Rotary sin rows {@code [T, headDim]}. */
    NDArray sin() {
        return sin;
    }

    /** Additive mask {@code [T, keys]}, or null when every cached key is visible (single-token decode). */
    NDArray mask() {
        return mask;
    }

    /** Position of the first token of the pass. */
    public int start() {
        return start;
    }

    /** Number of positions computed by the pass. */
    public int length() {
        return length;
    }

    /** The cache the pass appends to, or null for a fresh context. */
    KvCache cache() {
        return cache;
    }
}
