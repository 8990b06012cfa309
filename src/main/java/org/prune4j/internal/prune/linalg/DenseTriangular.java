package org.prune4j.internal.prune.linalg;

/** Small dense factorizations in plain Java double, on row-major {@code b × b} arrays. */
final class DenseTriangular {
    private DenseTriangular() {
    }

    /**
     * In-place lower Cholesky factor of the symmetric block {@code d} (only its lower triangle is
     * read); the upper triangle is set to zero.
     *
     * @param offset index of the block's first row in the whole matrix, for the error message
     */
    static void choleskyLower(double[] d, int b, int offset) {
        for (int j = 0; j < b; j++) {
            double s = d[j * b + j];
            for (int k = 0; k < j; k++) {
                s -= d[j * b + k] * d[j * b + k];
            }
            if (!(s > 0)) {
                throw new NotPositiveDefiniteException(offset + j, s);
            }
            double ljj = Math.sqrt(s);
            d[j * b + j] = ljj;
            for (int i = j + 1; i < b; i++) {
                double t = d[i * b + j];
                for (int k = 0; k < j; k++) {
                    t -= d[i * b + k] * d[j * b + k];
                }
                d[i * b + j] = t / ljj;
            }
            for (int c = j + 1; c < b; c++) {
                d[j * b + c] = 0;
            }
        }
    }

    /** The inverse of a lower-triangular block (zeros above the diagonal), as a new array; row by row. */
    static double[] invertLower(double[] l, int b) {
        double[] x = new double[b * b];
        double[] acc = new double[b];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(acc, 0, i + 1, 0.0);
            acc[i] = 1.0;
            for (int k = 0; k < i; k++) {
                double lik = l[i * b + k];
                if (lik != 0) {
                    int xk = k * b;
                    for (int j = 0; j <= k; j++) {
                        acc[j] -= lik * x[xk + j];
                    }
                }
            }
            double lii = l[i * b + i];
            for (int j = 0; j <= i; j++) {
                x[i * b + j] = acc[j] / lii;
            }
        }
        return x;
    }

    static double[] transpose(double[] a, int b) {
        double[] t = new double[b * b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                t[j * b + i] = a[i * b + j];
            }
        }
        return t;
    }
}
