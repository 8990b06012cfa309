package org.prune4j.model.llama;

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

    private AttentionContext(NDArray cos, NDArray sin, NDArray mask, int start, int length, KvCache cache) {
        this.cos = cos;
        this.sin = sin;
        this.mask = mask;
        this.start = start;
        this.length = length;
        this.cache = cache;
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
        checkLength(model, start, length);
        cache.checkAppend(start, length);
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
