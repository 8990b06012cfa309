package org.prune4j.model.llama;

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
    private int length;

    private KvCache(NDManager manager, int capacity, NDArray[] keys, NDArray[] values) {
        this.manager = manager;
        this.capacity = capacity;
        this.keys = keys;
        this.values = values;
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
        length = 0;
    }

    void checkAppend(int start, int count) {
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
        length = Math.max(length, end);
        NDIndex upTo = new NDIndex(":, :, 0:{}, :", end);
        NDArray allK = keys[layer].get(upTo);
        allK.attach(k.getManager());
        NDArray allV = values[layer].get(upTo);
        allV.attach(k.getManager());
        return new NDList(allK, allV);
    }

    @Override
    public void close() {
        manager.close();
    }
}
