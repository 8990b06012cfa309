package org.prune4j.internal.prune.oneshot;

/**
 * Exact order statistics without sorting, with the tie rules the reference implementations use.
 *
 * <p>Floats are compared through an order-preserving int key (see {@link #key(float)}), so a
 * selection is exact and deterministic. {@code -0.0} and {@code +0.0} are the same value, as in torch.
 */
final class Selection {
    private Selection() {
    }

    /** An int whose signed order is the float order ({@code -0.0} maps to the key of {@code +0.0}). */
    static int key(float v) {
        int bits = Float.floatToRawIntBits(v + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** Inverse of {@link #key(float)}. */
    static float value(int key) {
        int bits = key ^ ((key >> 31) & 0x7fffffff);
        return Float.intBitsToFloat(bits);
    }

    /**
     * The {@code k}-th smallest (0-based) of {@code v[from, to)}, or of their absolute values when
     * {@code abs}: the element at index {@code k} of the ascending sort. Two histogram passes over the
     * 16-bit halves of the key; no copy of the data.
     */
    static float kthSmallest(float[] v, int from, int to, long k, boolean abs) {
        long n = to - from;
        if (k < 0 || k >= n) {
            throw new IllegalArgumentException("k=" + k + " outside [0, " + n + ")");
        }
        int[] hist = new int[1 << 16];
        for (int i = from; i < to; i++) {
            hist[(key(abs ? Math.abs(v[i]) : v[i]) >>> 16) ^ 0x8000]++;
        }
        int hi = 0;
        long before = 0;
        while (before + hist[hi] <= k) {
            before += hist[hi];
            hi++;
        }
        long rank = k - before;
        java.util.Arrays.fill(hist, 0);
        for (int i = from; i < to; i++) {
            int key = key(abs ? Math.abs(v[i]) : v[i]);
            if (((key >>> 16) ^ 0x8000) == hi) {
                hist[key & 0xffff]++;
            }
        }
        int lo = 0;
        while (rank >= hist[lo]) {
            rank -= hist[lo];
            lo++;
        }
        int key = ((hi ^ 0x8000) << 16) | lo;
        return value(key);
    }

    /**
     * Rearranges {@code a[0, len)} so that {@code a[k]} is the {@code k}-th smallest (0-based), every
     * element before it is {@code <=} and every element after it is {@code >=}; returns {@code a[k]}.
     * Expected linear time (median-of-three quickselect, insertion sort for short ranges).
     */
    static long select(long[] a, int len, int k) {
        int lo = 0;
        int hi = len - 1;
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            // median of three into a[mid]
            if (a[mid] < a[lo]) {
                swap(a, mid, lo);
            }
            if (a[hi] < a[lo]) {
                swap(a, hi, lo);
            }
            if (a[hi] < a[mid]) {
                swap(a, hi, mid);
            }
            long pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            long x = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > x) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
        return a[k];
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Marks the {@code count} smallest of {@code values[valuesOff + i]}, {@code i in [0, width)}, as
     * pruned at {@code pruned[prunedOff + i]}, ties going to the lower index. Used for N:M groups.
     *
     * @param scratch at least {@code width} longs
     */
    static void markSmallestInGroup(float[] values, int valuesOff, boolean[] pruned, int prunedOff, int width,
            int count, long[] scratch) {
        if (count <= 0) {
            return;
        }
        if (count >= width) {
            for (int i = 0; i < width; i++) {
                pruned[prunedOff + i] = true;
            }
            return;
        }
        for (int i = 0; i < width; i++) {
            scratch[i] = ((long) key(values[valuesOff + i]) << 32) | i;
        }
        select(scratch, width, count - 1);
        for (int i = 0; i < count; i++) {
            pruned[prunedOff + (int) scratch[i]] = true;
        }
    }
}
