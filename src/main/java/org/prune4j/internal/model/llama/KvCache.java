package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The keys and values of the positions decoded so far, per decoder block, for one sequence.
 *
 * <p>Each block gets preallocated {@code [1, kvHeads, capacity, headDim]} key and value arrays (the
 * block's own number of key/value heads, so structurally pruned blocks work). They live in the cache's
 * own manager, which {@link #close()} frees; the arrays a pass reads from the cache are moved to the
 * pass's scope.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final int capacity;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final KvPolicy policy;
    private final int budget;
    private final EvictingLayer[] evicting;
    private final RotaryEmbedding rotary;
    private final KvDepthMerge depthMerge;
    private long mergedVectors;
    private long retainedVectors;
    private int length;
    private long peakBytes;

    private KvCache(NDManager manager, int capacity, NDArray[] keys, NDArray[] values) {
        this(manager, capacity, keys, values, null);
    }

    private KvCache(NDManager manager, int capacity, NDArray[] keys, NDArray[] values, KvDepthMerge depthMerge) {
        this.depthMerge = depthMerge;
        this.manager = manager;
        this.capacity = capacity;
        this.keys = keys;
        this.values = values;
        this.policy = null;
        this.budget = capacity;
        this.evicting = null;
        this.rotary = null;
    }

    private KvCache(KvPolicy policy, int budget, EvictingLayer[] evicting, RotaryEmbedding rotary, int capacity) {
        this.depthMerge = null;
        this.manager = null;
        this.capacity = capacity;
        this.keys = null;
        this.values = null;
        this.policy = policy;
        this.budget = budget;
        this.evicting = evicting;
        this.rotary = rotary;
    }

    /**
     * A cache that holds at most {@code budget} entries per layer, {@code policy} choosing which survive
     * (see {@link KvPolicy}), for a sequence of up to {@code capacity} positions (a policy that rotates by
     * slot may run past the model's context).
     */
    public static KvCache create(LlamaModel model, int capacity, KvPolicy policy, int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("cache budget " + budget + " must be at least 1");
        }
        if (capacity < 1 || (!policy.rotatesBySlot() && capacity > model.config().maxPositions())) {
            throw new IllegalArgumentException("cache capacity " + capacity + " outside 1.." + model.config().maxPositions());
        }
        List<DecoderBlock> blocks = model.blocks();
        EvictingLayer[] layers = new EvictingLayer[blocks.size()];
        for (int i = 0; i < layers.length; i++) {
            Attention a = blocks.get(i).selfAttn();
            int kv = a.numKvHeads();
            int group = a.numHeads() / kv;
            layers[i] = policy.perQueryHead()
                    ? new EvictingLayer(a.numHeads(), 1, a.headDim(), budget, policy.queryWindow())
                    : new EvictingLayer(kv, group, a.headDim(), budget, policy.queryWindow());
        }
        return new KvCache(policy, budget, layers, model.rotary(), capacity);
    }

    /** Whether a policy limits this cache. */
    public boolean evicting() {
        return policy != null;
    }

    /** Entries per layer the cache may hold ({@link #capacity()} for a cache without a policy). */
    public int budget() {
        return budget;
    }

    /**
     * The most bytes of keys and values (float32) the cache held at once, summed over layers. A merged pair
     * stores, per position and head, one shared direction and two magnitudes for each of keys and values,
     * or both vectors where the position was retained.
     */
    public long peakBytes() {
        if (policy == null) {
            long b = 0;
            for (NDArray k : keys) {
                Shape s = k.getShape();
                b += 2L * s.get(1) * length * s.get(3) * Float.BYTES;
            }
            if (depthMerge != null) {
                int hd = Math.toIntExact(keys[0].getShape().get(3));
                // a merged pair of vectors (2·hd floats) is stored as hd + 2 floats
                b -= mergedVectors * (hd - 2L) * Float.BYTES;
            }
            return b;
        }
        return peakBytes;
    }

    boolean rotatesBySlot() {
        return policy != null && policy.rotatesBySlot();
    }

    /**
     * One decoding step of block {@code layer} against an evicting cache: makes room if the layer is full,
     * appends this position's key and value, and returns the rotated query {@code [1, heads, 1, hd]} and
     * every cached key and value {@code [1, stored heads, n, hd]}, in {@code q}'s manager.
     */
    NDList attend(int layer, NDArray q, NDArray k, NDArray v, AttentionContext ctx) {
        EvictingLayer entries = evicting[layer];
        if (entries.full()) {
            entries.retain(policy.keep(entries, budget - 1));
        }
        int kvHeads = Math.toIntExact(k.getShape().get(1));
        NDArray cachedKey = policy.rotatesBySlot() ? k : RotaryEmbedding.apply(k, ctx.cos(), ctx.sin());
        entries.append(cachedKey.toFloatArray(), v.toFloatArray(), kvHeads, ctx.start());
        NDManager scope = q.getManager();
        NDArray allKeys = entries.array(scope, true);
        NDArray allValues = entries.array(scope, false);
        NDArray query;
        if (policy.rotatesBySlot()) {
            int n = entries.count();
            NDList slots = rotary.slice(scope, 0, n);
            allKeys = RotaryEmbedding.apply(allKeys, slots.get(0), slots.get(1));
            NDList current = rotary.slice(scope, n - 1, 1);
            query = RotaryEmbedding.apply(q, current.get(0), current.get(1));
        } else {
            query = RotaryEmbedding.apply(q, ctx.cos(), ctx.sin());
        }
        if (policy.queryWindow() > 0) {
            entries.rememberQuery(query.toFloatArray(), ctx.start());
        }
        long bytes = 0;
        for (EvictingLayer l : evicting) {
            bytes += l.bytes();
        }
        peakBytes = Math.max(peakBytes, bytes);
        if (layer == evicting.length - 1) {
            length = Math.max(length, ctx.start() + 1);
        }
        return new NDList(query, allKeys, allValues);
    }

    /**
     * Loads block {@code layer}'s entries of a pruned prefill: keys (rotated) and values {@code [1, kvHeads, n,
     * hd]} of the tokens at {@code positions}; the cache then continues after the last prompt position
     * {@code promptLength − 1}.
     */
    void load(int layer, NDArray keys, NDArray values, int[] positions, int promptLength) {
        EvictingLayer entries = evicting[layer];
        int kvHeads = Math.toIntExact(keys.getShape().get(1));
        int hd = Math.toIntExact(keys.getShape().get(3));
        int n = positions.length;
        float[] k = keys.transpose(0, 2, 1, 3).toFloatArray(); // [1, n, kvHeads, hd]
        float[] v = values.transpose(0, 2, 1, 3).toFloatArray();
        float[] kt = new float[kvHeads * hd];
        float[] vt = new float[kvHeads * hd];
        for (int i = 0; i < n; i++) {
            System.arraycopy(k, i * kvHeads * hd, kt, 0, kt.length);
            System.arraycopy(v, i * kvHeads * hd, vt, 0, vt.length);
            entries.append(kt, vt, kvHeads, positions[i]);
        }
        length = promptLength;
        long bytes = 0;
        for (EvictingLayer l : evicting) {
            bytes += l.bytes();
        }
        peakBytes = Math.max(peakBytes, bytes);
    }

    /** Records the attention weights {@code [1, heads, 1, n]} of block {@code layer}'s step, when the policy reads them. */
    void observe(int layer, NDArray weights) {
        if (policy != null && policy.readsAttention()) {
            evicting[layer].observe(weights.toFloatArray());
        }
    }

    /** An empty cache for up to {@code capacity} positions whose blocks are merged in pairs by {@code merge}. */
    public static KvCache create(LlamaModel model, int capacity, KvDepthMerge merge) {
        KvCache plain = create(model, capacity);
        return new KvCache(plain.manager, capacity, plain.keys, plain.values, merge);
    }

    /** An empty cache for up to {@code capacity} positions (at most the model's context). */
    public static KvCache create(LlamaModel model, int capacity) {
        if (capacity < 1 || capacity > model.config().maxPositions()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " outside 1.." + model.config().maxPositions());
        }
        NDManager m = NDManager.newBaseManager(model.manager().getDevice());
        List<DecoderBlock> blocks = model.blocks();
        NDArray[] k = new NDArray[blocks.size()];
        NDArray[] v = new NDArray[blocks.size()];
        for (int i = 0; i < k.length; i++) {
            Attention a = blocks.get(i).selfAttn();
            Shape s = new Shape(1, a.numKvHeads(), capacity, a.headDim());
            k[i] = m.zeros(s, DataType.FLOAT32);
            v[i] = m.zeros(s, DataType.FLOAT32);
        }
        return new KvCache(m, capacity, k, v);
    }

    /** Positions the cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Positions stored so far ({@code 0..length-1}). */
    public int length() {
        return length;
    }

    /** Forgets every stored position (the arrays are reused). */
    public void reset() {
        if (policy != null) {
            throw new IllegalStateException("an evicting cache cannot be reset; create a new one");
        }
        length = 0;
    }

    void checkAppend(int start, int count) {
        if (policy != null && count != 1) {
            throw new IllegalArgumentException("a cache with a budget decodes one position at a time, not " + count);
        }
        if (start < 0 || start > length) {
            throw new IllegalArgumentException("cannot decode position " + start + ": the cache holds positions 0.."
                    + (length - 1) + " and positions must follow each other");
        }
        if ((long) start + count > capacity) {
            throw new IllegalArgumentException("position " + (start + count - 1) + " beyond the cache capacity " + capacity);
        }
    }

    /**
     * Stores block {@code layer}'s keys and values {@code [1, kvHeads, T, headDim]} at positions
     * {@code start..start+T-1} and returns all keys and values {@code 0..start+T-1}, in {@code k}'s manager.
     */
    NDList store(int layer, NDArray k, NDArray v, int start) {
        long t = k.getShape().get(2);
        int end = Math.toIntExact(start + t);
        NDIndex slot = new NDIndex(":, :, {}:{}, :", start, end);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        if (depthMerge != null && depthMerge.mergesWithPrevious(layer, keys.length)
                && keys[layer - 1].getShape().equals(keys[layer].getShape())) {
            mergeWithPrevious(layer, slot, true);
            mergeWithPrevious(layer, slot, false);
        }
        length = Math.max(length, end);
        NDIndex upTo = new NDIndex(":, :, 0:{}, :", end);
        NDArray allK = keys[layer].get(upTo);
        allK.attach(k.getManager());
        NDArray allV = values[layer].get(upTo);
        allV.attach(k.getManager());
        return new NDList(allK, allV);
    }

    /** Merges the positions {@code slot} of block {@code layer} with those of block {@code layer − 1}, in place. */
    private void mergeWithPrevious(int layer, NDIndex slot, boolean ofKeys) {
        NDArray[] arrays = ofKeys ? keys : values;
        NDArray first = arrays[layer - 1].get(slot);
        NDArray second = arrays[layer].get(slot);
        Shape s = first.getShape(); // [1, heads, t, hd]
        int heads = Math.toIntExact(s.get(1));
        int t = Math.toIntExact(s.get(2));
        int hd = Math.toIntExact(s.get(3));
        float[] a = first.toFloatArray();
        float[] b = second.toFloatArray();
        float[] u = new float[hd];
        float[] w = new float[hd];
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < t; p++) {
                int off = (h * t + p) * hd;
                System.arraycopy(a, off, u, 0, hd);
                System.arraycopy(b, off, w, 0, hd);
                if (depthMerge.merge(layer, ofKeys, u, w)) {
                    retainedVectors++;
                } else {
                    mergedVectors++;
                }
                System.arraycopy(u, 0, a, off, hd);
                System.arraycopy(w, 0, b, off, hd);
            }
        }
        try (NDManager scratch = manager.newSubManager()) {
            arrays[layer - 1].set(slot, scratch.create(a, s));
            arrays[layer].set(slot, scratch.create(b, s));
        }
        first.close();
        second.close();
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
