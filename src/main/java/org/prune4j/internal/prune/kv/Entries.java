package org.prune4j.internal.prune.kv;

import java.util.Arrays;

/** Index lists over the entries of one cache layer. */
final class Entries {
    private Entries() {}

    /** The last {@code n} of {@code count} entries. */
    static int[] lastN(int count, int n) {
        int[] keep = new int[n];
        for (int i = 0; i < n; i++) {
            keep[i] = count - n + i;
        }
        return keep;
    }

    static int[][] sameForEveryHead(int heads, int[] keep) {
        int[][] out = new int[heads][];
        for (int h = 0; h < heads; h++) {
            out[h] = keep.clone();
        }
        return out;
    }

    /**
     * The {@code n} highest-scoring of the entries {@code 0..candidates-1} (ties: the earlier entry) followed
     * by the entries {@code candidates..count-1}, in ascending order.
     */
    static int[] topThenRest(double[] score, int candidates, int n, int count) {
        Integer[] order = new Integer[candidates];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(score[b], score[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] keep = new int[n + (count - candidates)];
        for (int i = 0; i < n; i++) {
            keep[i] = order[i];
        }
        Arrays.sort(keep, 0, n);
        for (int i = candidates; i < count; i++) {
            keep[n + i - candidates] = i;
        }
        return keep;
    }
}
