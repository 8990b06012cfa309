package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The cached entries of one layer under a {@link KvPolicy}: keys, values, positions and accumulated
 * attention per stored head, in ascending order of position, at most {@code budget} of them.
 */
final class EvictingLayer implements KvLayerView {
    private final int heads;
    private final int group;
    private final int queryHeads;
    private final int headDim;
    private final int budget;
    private final int queryWindow;
    private final float[][] keys;
    private final float[][] values;
    private final int[][] positions;
    private final float[][] attention;
    private final float[][] queries;
    private final int[] queryPositions;
    private int queriesHeld;
    private int count;

    EvictingLayer(int heads, int group, int headDim, int budget, int queryWindow) {
        this.heads = heads;
        this.group = group;
        this.queryHeads = heads * group;
        this.headDim = headDim;
        this.budget = budget;
        this.queryWindow = queryWindow;
        keys = new float[heads][budget * headDim];
        values = new float[heads][budget * headDim];
        positions = new int[heads][budget];
        attention = new float[heads][budget];
        queries = new float[queryWindow][];
        queryPositions = new int[queryWindow];
    }

    boolean full() {
        return count >= budget;
    }

    /** Keeps, for each head, the entries {@code keep[head]} (ascending) and drops the others. */
    void retain(int[][] keep) {
        if (keep.length != heads) {
            throw new IllegalStateException("policy kept entries for " + keep.length + " heads of " + heads);
        }
        int n = keep[0].length;
        for (int h = 0; h < heads; h++) {
            if (keep[h].length != n) {
                throw new IllegalStateException("policy kept different counts for different heads");
            }
            int previous = -1;
            for (int i = 0; i < n; i++) {
                int e = keep[h][i];
                if (e <= previous || e >= count) {
                    throw new IllegalStateException("policy kept entry " + e + " out of order or range");
                }
                previous = e;
                System.arraycopy(keys[h], e * headDim, keys[h], i * headDim, headDim);
                System.arraycopy(values[h], e * headDim, values[h], i * headDim, headDim);
                positions[h][i] = positions[h][e];
                attention[h][i] = attention[h][e];
            }
        }
        count = n;
    }

    /**
     * Appends one position: {@code k} and {@code v} are {@code [kvHeads·headDim]}; with a per-query-head
     * policy each key/value head is copied to the query heads it serves.
     */
    void append(float[] k, float[] v, int kvHeads, int position) {
        int copies = heads / kvHeads;
        for (int h = 0; h < heads; h++) {
            int src = (h / copies) * headDim;
            System.arraycopy(k, src, keys[h], count * headDim, headDim);
            System.arraycopy(v, src, values[h], count * headDim, headDim);
            positions[h][count] = position;
            attention[h][count] = 0;
        }
        count++;
    }

    /** Remembers a rotated query {@code [queryHeads·headDim]} for the policy. */
    void rememberQuery(float[] q, int position) {
        if (queryWindow == 0) {
            return;
        }
        if (queriesHeld == queryWindow) {
            System.arraycopy(queries, 1, queries, 0, queryWindow - 1);
            System.arraycopy(queryPositions, 1, queryPositions, 0, queryWindow - 1);
            queriesHeld--;
        }
        queries[queriesHeld] = q.clone();
        queryPositions[queriesHeld] = position;
        queriesHeld++;
    }

    /** Adds one step's attention weights {@code [queryHeads][count]} to the entries' totals. */
    void observe(float[] weights) {
        for (int qh = 0; qh < queryHeads; qh++) {
            int h = qh / group;
            for (int e = 0; e < count; e++) {
                attention[h][e] += weights[qh * count + e];
            }
        }
    }

    /** The keys or values {@code [1, heads, count, headDim]} in {@code scope}. */
    NDArray array(NDManager scope, boolean ofKeys) {
        float[] flat = new float[heads * count * headDim];
        float[][] src = ofKeys ? keys : values;
        for (int h = 0; h < heads; h++) {
            System.arraycopy(src[h], 0, flat, h * count * headDim, count * headDim);
        }
        return scope.create(flat, new Shape(1, heads, count, headDim));
    }

    /** Bytes of the keys and values held (float32). */
    long bytes() {
        return 2L * heads * count * headDim * Float.BYTES;
    }

    @Override
    public int heads() {
        return heads;
    }

    @Override
    public int queryHeadsPerHead() {
        return group;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int headDim() {
        return headDim;
    }

    @Override
    public int position(int head, int entry) {
        return positions[head][entry];
    }

    @Override
    public float accumulatedAttention(int head, int entry) {
        return attention[head][entry];
    }

    @Override
    public float[] key(int head, int entry) {
        float[] k = new float[headDim];
        System.arraycopy(keys[head], entry * headDim, k, 0, headDim);
        return k;
    }

    @Override
    public int recentQueries() {
        return queriesHeld;
    }

    @Override
    public float[] recentQuery(int i, int queryHead) {
        float[] q = new float[headDim];
        System.arraycopy(queries[i], queryHead * headDim, q, 0, headDim);
        return q;
    }

    @Override
    public int recentQueryPosition(int i) {
        return queryPositions[i];
    }
}
