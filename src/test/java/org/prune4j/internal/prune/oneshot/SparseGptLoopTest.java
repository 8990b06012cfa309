package org.prune4j.internal.prune.oneshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.linalg.InverseCholesky;

/**
 * The blocked, lazily updated SparseGPT loop against a direct transcription of the reference's
 * per-block loop (trailing update after every block), on widths with several super-blocks and
 * partial blocks, which the fixtures (at most 768 columns) do not reach.
 */
class SparseGptLoopTest {

    /** The reference loop, in plain float32 Java, given U. */
    static float[] naive(float[] w0, int rows, int cols, float[] u, SparsityPattern pattern, int bs, boolean[] mask) {
        float[] w = w0.clone();
        for (int i1 = 0; i1 < cols; i1 += bs) {
            int i2 = Math.min(cols, i1 + bs);
            int count = i2 - i1;
            float[] w1 = new float[rows * count];
            float[] err1 = new float[rows * count];
            boolean[] m1 = new boolean[rows * count];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w, r * cols + i1, w1, r * count, count);
            }
            if (pattern instanceof SparsityPattern.Unstructured un) {
                float[] tmp = new float[rows * count];
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < count; i++) {
                        float d = u[(i1 + i) * cols + i1 + i];
                        float x = w1[r * count + i];
                        tmp[r * count + i] = (x * x) / (d * d);
                    }
                }
                float[] sorted = tmp.clone();
                Arrays.sort(sorted);
                float thresh = sorted[(int) (tmp.length * un.sparsity())];
                for (int k = 0; k < tmp.length; k++) {
                    m1[k] = tmp[k] <= thresh;
                }
            }
            for (int i = 0; i < count; i++) {
                float d = u[(i1 + i) * cols + i1 + i];
                for (int r = 0; r < rows; r++) {
                    if (pattern instanceof SparsityPattern.NOfM nm && i % nm.m() == 0) {
                        int width = Math.min(nm.m(), count - i);
                        Integer[] idx = new Integer[width];
                        float[] tmp = new float[width];
                        for (int j = 0; j < width; j++) {
                            float dj = u[(i1 + i + j) * cols + i1 + i + j];
                            float x = w1[r * count + i + j];
                            tmp[j] = (x * x) / (dj * dj);
                            idx[j] = j;
                        }
                        Arrays.sort(idx, (a, b) -> Float.compare(tmp[a], tmp[b]));
                        for (int j = 0; j < nm.prunedInGroup(width); j++) {
                            m1[r * count + i + idx[j]] = true;
                        }
                    }
                    float x = w1[r * count + i];
                    float q = m1[r * count + i] ? 0f : x;
                    float e = (x - q) / d;
                    err1[r * count + i] = e;
                    for (int j = i; j < count; j++) {
                        w1[r * count + j] -= e * u[(i1 + i) * cols + i1 + j];
                    }
                    w1[r * count + i] = q;
                }
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w1, r * count, w, r * cols + i1, count);
                for (int i = 0; i < count; i++) {
                    mask[r * cols + i1 + i] = m1[r * count + i];
                }
                for (int c = i2; c < cols; c++) {
                    float s = 0;
                    for (int i = 0; i < count; i++) {
                        s += err1[r * count + i] * u[(i1 + i) * cols + c];
                    }
                    w[r * cols + c] -= s;
                }
            }
        }
        return w;
    }

    @ParameterizedTest
    @CsvSource({"40,1300,0.5,0", "24,2100,0.6,0", "40,1300,0,2", "16,1030,0,4"})
    void lazyBlockedLoopMatchesTheReferenceLoop(int rows, int cols, double sparsity, int n) {
        SparsityPattern p = n == 0 ? new SparsityPattern.Unstructured(sparsity) : new SparsityPattern.NOfM(n, 2 * n);
        Random rnd = new Random(cols + n);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() / Math.sqrt(cols));
        }
        int tokens = 2 * cols;
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            HessianStatistics h = new HessianStatistics(m, cols);
            h.add(m.create(x, new Shape(2, cols, cols)));
            SparseGpt.Result ours = new SparseGpt().prune(w, rows, cols, h.hessian(), p);

            float[] hd = h.toFloatArray();
            float[] diag = new float[cols];
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                diag[j] = hd[j * cols + j];
                sum += diag[j];
            }
            float damp = (float) (0.01 * (float) (sum / cols));
            for (int j = 0; j < cols; j++) {
                diag[j] += damp;
            }
            NDArray u = InverseCholesky.upperFactorOfInverse(h.hessian(), diag, InverseCholesky.Precision.FLOAT64, m);
            boolean[] refMask = new boolean[w.length];
            float[] ref = naive(w, rows, cols, u.toFloatArray(), p, 128, refMask);
            float[] oursW = ours.weight();
            int flips = 0;
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < w.length; i++) {
                flips += refMask[i] != ours.mask().pruned()[i] ? 1 : 0;
                maxDiff = Math.max(maxDiff, Math.abs(ref[i] - oursW[i]));
                maxAbs = Math.max(maxAbs, Math.abs(ref[i]));
            }
            System.out.printf(Locale.ROOT, "%dx%d %s: flips %d, max|dW| %.2e (max|W'| %.2f)%n", rows, cols, p, flips,
                    maxDiff, maxAbs);
            assertTrue(flips <= w.length * 1e-4, flips + " flips");
            assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), "max diff " + maxDiff);
            long expectedPruned = 0;
            for (boolean b : refMask) {
                expectedPruned += b ? 1 : 0;
            }
            assertEquals(expectedPruned, ours.mask().prunedCount(), rows * cols * 1e-4);
            h.close();
        }
    }
}
