package org.prune4j.internal.prune.oneshot;

/**
 * Which index {@code torch.topk(x, 1, largest=False)} returns on CPU (PyTorch 1.13, libstdc++) when the
 * minimum is tied: for fewer than 64 values it runs {@code std::nth_element} (introselect with a
 * median-of-three pivot, then insertion sort) on (value, index) pairs compared by value only; from 64
 * on, {@code std::partial_sort}, which keeps the first minimum. With a unique minimum both give its
 * index. DSnoT's N:M branch depends on this when a whole group is marked {@code +inf} (four equal
 * values: offset 2).
 */
final class TorchTopK {
    private TorchTopK() {}

    /** The offset in {@code [0, m)} of the smallest of {@code v[b, b+m)} as torch's topk picks it. */
    static int smallestIndex(float[] v, int b, int m) {
        if (m >= 64) {
            int best = 0;
            for (int i = 1; i < m; i++) {
                if (v[b + i] < v[b + best]) {
                    best = i;
                }
            }
            return best;
        }
        int[] q = new int[m];
        for (int i = 0; i < m; i++) {
            q[i] = i;
        }
        int first = 0;
        int last = m;
        int nth = 0;
        int depth = 2 * (31 - Integer.numberOfLeadingZeros(m));
        while (last - first > 3) {
            if (depth == 0) {
                int best = first;
                for (int i = first + 1; i < last; i++) {
                    if (less(v, b, q[i], q[best])) {
                        best = i;
                    }
                }
                swap(q, first, best);
                return q[nth];
            }
            depth--;
            int cut = partitionPivot(v, b, q, first, last);
            if (cut <= nth) {
                first = cut;
            } else {
                last = cut;
            }
        }
        insertionSort(v, b, q, first, last);
        return q[nth];
    }

    private static boolean less(float[] v, int b, int x, int y) {
        return v[b + x] < v[b + y];
    }

    private static void swap(int[] q, int i, int j) {
        int t = q[i];
        q[i] = q[j];
        q[j] = t;
    }

    private static int partitionPivot(float[] v, int b, int[] q, int first, int last) {
        int mid = first + (last - first) / 2;
        moveMedianToFirst(v, b, q, first, first + 1, mid, last - 1);
        int lo = first + 1;
        int hi = last;
        while (true) {
            while (less(v, b, q[lo], q[first])) {
                lo++;
            }
            hi--;
            while (less(v, b, q[first], q[hi])) {
                hi--;
            }
            if (!(lo < hi)) {
                return lo;
            }
            swap(q, lo, hi);
            lo++;
        }
    }

    private static void moveMedianToFirst(float[] v, int b, int[] q, int result, int a, int bb, int c) {
        if (less(v, b, q[a], q[bb])) {
            if (less(v, b, q[bb], q[c])) {
                swap(q, result, bb);
            } else if (less(v, b, q[a], q[c])) {
                swap(q, result, c);
            } else {
                swap(q, result, a);
            }
        } else if (less(v, b, q[a], q[c])) {
            swap(q, result, a);
        } else if (less(v, b, q[bb], q[c])) {
            swap(q, result, c);
        } else {
            swap(q, result, bb);
        }
    }

    private static void insertionSort(float[] v, int b, int[] q, int first, int last) {
        for (int i = first + 1; i < last; i++) {
            int val = q[i];
            if (less(v, b, val, q[first])) {
                System.arraycopy(q, first, q, first + 1, i - first);
                q[first] = val;
            } else {
                int j = i;
                while (less(v, b, val, q[j - 1])) {
                    q[j] = q[j - 1];
                    j--;
                }
                q[j] = val;
            }
        }
    }
}
