package org.prune4j.internal.prune.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InverseCholeskyTest {

    /** A = G Gᵀ / k + eps·I with features of very different scales (condition number ~ 1/eps). */
    static float[] spd(int n, long seed, double eps, double spread) {
        Random r = new Random(seed);
        int k = n + 16;
        double[] g = new double[n * k];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = Math.exp(spread * r.nextGaussian());
        }
        for (int i = 0; i < n * k; i++) {
            g[i] = r.nextGaussian() * scale[i / k];
        }
        float[] a = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += g[i * k + t] * g[j * k + t];
                }
                s /= k;
                if (i == j) {
                    s += eps;
                }
                a[i * n + j] = (float) s;
                a[j * n + i] = (float) s;
            }
        }
        return a;
    }

    /** max |U A Uᵀ − I| computed in double from the float32 A actually given. */
    static double residual(float[] a, float[] u, int n) {
        double[] ua = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int t = i; t < n; t++) {
                double uit = u[i * n + t];
                if (uit == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    ua[i * n + j] += uit * a[t * n + j];
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = j; t < n; t++) {
                    s += ua[i * n + t] * u[j * n + t];
                }
                worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 255, 256, 257, 300, 700})
    void factorIsUpperAndInvertsA(int n) {
        float[] a = spd(n, n, 0.05, 0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray an = m.create(a, new Shape(n, n));
            for (InverseCholesky.Precision p : InverseCholesky.Precision.values()) {
                float[] u = InverseCholesky.upperFactorOfInverse(an, null, p, m).toFloatArray();
                for (int i = 0; i < n; i++) {
                    assertTrue(u[i * n + i] > 0, "positive diagonal");
                    for (int j = 0; j < i; j++) {
                        assertEquals(0f, u[i * n + j]);
                    }
                }
                double res = residual(a, u, n);
                assertTrue(res < (p == InverseCholesky.Precision.FLOAT64 ? 1e-5 : 1e-3), p + " residual " + res);
            }
        }
    }

    @Test
    void float64StaysAccurateOnAnIllConditionedMatrix() {
        int n = 600;
        float[] a = spd(n, 7, 1e-6, 3.0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray an = m.create(a, new Shape(n, n));
            float[] u64 = InverseCholesky.upperFactorOfInverse(an, null, InverseCholesky.Precision.FLOAT64, m).toFloatArray();
            float[] u32 = InverseCholesky.upperFactorOfInverse(an, null, InverseCholesky.Precision.FLOAT32, m).toFloatArray();
            double r64 = residual(a, u64, n);
            double r32 = residual(a, u32, n);
            double maxU = 0;
            double diff = 0;
            for (int i = 0; i < u64.length; i++) {
                maxU = Math.max(maxU, Math.abs(u64[i]));
                diff = Math.max(diff, Math.abs(u64[i] - u32[i]));
            }
            System.out.printf(Locale.ROOT, "ill-conditioned n=%d: residual f64 %.2e, f32 %.2e; max|U32-U64|/max|U| %.2e%n",
                    n, r64, r32, diff / maxU);
            assertTrue(r64 < 1e-4, "f64 residual " + r64);
        }
    }

    @Test
    void diagonalOverrideIsUsed() {
        int n = 40;
        float[] a = spd(n, 3, 0.1, 0.3);
        float[] diag = new float[n];
        float[] b = a.clone();
        for (int i = 0; i < n; i++) {
            diag[i] = a[i * n + i] + 0.5f;
            b[i * n + i] = diag[i];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] u1 = InverseCholesky.upperFactorOfInverse(m.create(a, new Shape(n, n)), diag,
                    InverseCholesky.Precision.FLOAT64, m).toFloatArray();
            float[] u2 = InverseCholesky.upperFactorOfInverse(m.create(b, new Shape(n, n)), null,
                    InverseCholesky.Precision.FLOAT64, m).toFloatArray();
            for (int i = 0; i < u1.length; i++) {
                assertEquals(u2[i], u1[i], 1e-6);
            }
        }
    }

    @Test
    void notPositiveDefiniteIsReported() {
        int n = 300;
        float[] a = new float[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        a[(n - 1 - 270) * n + (n - 1 - 270)] = -1; // row 270 of the reversed work matrix
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray an = m.create(a, new Shape(n, n));
            assertThrows(NotPositiveDefiniteException.class,
                    () -> InverseCholesky.upperFactorOfInverse(an, null, InverseCholesky.Precision.FLOAT64, m));
        }
    }
}
