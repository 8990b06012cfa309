package org.prune4j.prune.linalg;

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

    /** The inverse of a lower-triangular block (zeros above the diagonal), as a new array. */
    static double[] invertLower(double[] l, int b) {
        double[] x = new double[b * b];
        for (int j = 0; j < b; j++) {
            x[j * b + j] = 1.0 / l[j * b + j];
            for (int i = j + 1; i < b; i++) {
                double s = 0;
                for (int k = j; k < i; k++) {
                    s += l[i * b + k] * x[k * b + j];
                }
                x[i * b + j] = -s / l[i * b + i];
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
