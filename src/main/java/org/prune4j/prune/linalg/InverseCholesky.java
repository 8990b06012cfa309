package org.prune4j.prune.linalg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The upper Cholesky factor of an inverse, {@code U} with {@code Uᵀ U = A⁻¹}, for a symmetric positive
 * definite {@code A}, computed without forming {@code A⁻¹} (SparseGPT iterates over this factor).
 *
 * <p><b>Method.</b> Let {@code P} be the index-reversal permutation. With {@code L'} the lower Cholesky
 * factor of {@code P A P}, {@code A = R Rᵀ} where {@code R = P L' P} is upper triangular, so
 * {@code A⁻¹ = (R⁻¹)ᵀ R⁻¹} and, Cholesky factors with a positive diagonal being unique,
 * {@code U = R⁻¹ = P L'⁻¹ P}. We therefore (1) copy {@code A} reversed into a work matrix, (2) factor it
 * in place with a right-looking blocked Cholesky, (3) invert the lower factor in place with a blocked
 * triangular inversion, and (4) read the result back reversed. That is {@code n³/3 + n³/3} flops
 * instead of the {@code ≈ n³} of {@code cholesky → cholesky_inverse → cholesky}.
 *
 * <p>The {@code 256 × 256} diagonal blocks are factored and inverted in plain Java {@code double}; the
 * panels (a product with the diagonal block's inverse) and the trailing updates are DJL matmuls on views
 * of the work matrix, row-chunked so that only the lower triangle is updated and temporaries stay
 * small. The work matrix is a torch tensor (closed deterministically), read and written from Java
 * through direct buffers.
 *
 * <p><b>Precision.</b> The work matrix is float64 by default: against the reference fixtures (float32
 * torch, {@code cholesky → cholesky_inverse → cholesky}) float64 here agrees with the reference factor as
 * well as the reference agrees with the exact one, and float32 adds its own error of the same order;
 * see {@link Precision}.
 */
public final class InverseCholesky {
    /** Storage and matmul precision of the work matrix. */
    public enum Precision {
        /** Half the memory and about twice the speed; error ≈ cond(A)·1e-7 relative. */
        FLOAT32(DataType.FLOAT32),
        /** Essentially exact for the float32 input; the default. */
        FLOAT64(DataType.FLOAT64);

        final DataType type;

        Precision(DataType type) {
            this.type = type;
        }
    }

    /** Diagonal block size (Java double factorization) and panel width. */
    private static final int BLOCK = 256;
    /** Row chunk of the trailing updates. */
    private static final int CHUNK = 1024;

    private InverseCholesky() {
    }

    /**
     * {@code U} (upper triangular, positive diagonal, zeros below) with {@code Uᵀ U = A⁻¹}, as a new
     * {@code [n, n]} float32 array in {@code manager}.
     *
     * @param a symmetric {@code [n, n]} float32 matrix; only its lower triangle and, unless
     *     {@code diagonal} is given, its diagonal are read
     * @param diagonal replaces {@code A}'s diagonal when non-null (e.g. after damping), length n
     * @throws NotPositiveDefiniteException when a pivot is not positive
     */
    public static NDArray upperFactorOfInverse(NDArray a, float[] diagonal, Precision precision, NDManager manager) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(0) != s.get(1)) {
            throw new IllegalArgumentException("expected a square matrix, got " + s);
        }
        int n = Math.toIntExact(s.get(0));
        if (diagonal != null && diagonal.length != n) {
            throw new IllegalArgumentException("diagonal has " + diagonal.length + " entries, matrix " + n);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray src = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, true);
            if (src != a) {
                src.attach(scope);
            }
            NDArray work = scope.zeros(new Shape(n, n), precision.type);
            Work w = new Work(work, n);
            w.fillReversed(src, diagonal);
            w.choleskyInPlace();
            w.invertLowerInPlace();
            NDArray u = manager.zeros(new Shape(n, n), DataType.FLOAT32);
            w.copyReversedTo(u);
            return u;
        }
    }

    /** The work matrix: a contiguous {@code [n, n]} tensor plus Java access to row ranges. */
    private static final class Work {
        private final NDArray m;
        private final int n;
        private final boolean f64;

        Work(NDArray m, int n) {
            this.m = m;
            this.n = n;
            this.f64 = m.getDataType() == DataType.FLOAT64;
        }

        /** Rows per direct-buffer view so that one view stays far below 2 GiB. */
        private int rowsPerView() {
            long bytesPerRow = (long) n * (f64 ? 8 : 4);
            return (int) Math.max(1, Math.min(n, (1L << 28) / Math.max(1, bytesPerRow)));
        }

        /** Runs {@code body} with a buffer over rows [r0, r1) of {@code t} (float32 or float64, contiguous). */
        private interface RowBody {
            void accept(int r0, int r1, FloatBuffer fb, DoubleBuffer db);
        }

        private static void forRows(NDArray t, int r0, int r1, int step, RowBody body) {
            boolean f64 = t.getDataType() == DataType.FLOAT64;
            for (int a = r0; a < r1; a += step) {
                int b = Math.min(r1, a + step);
                try (NDArray view = t.get(new NDIndex(a + ":" + b))) {
                    var buf = view.toByteBuffer(true).order(ByteOrder.nativeOrder());
                    body.accept(a, b, f64 ? null : buf.asFloatBuffer(), f64 ? buf.asDoubleBuffer() : null);
                }
            }
        }

        /** work[i][j] = A[n-1-i][n-1-j] for j <= i (lower triangle), zeros above. */
        void fillReversed(NDArray a, float[] diagonal) {
            float[] row = new float[n];
            double[] drow = new double[n];
            forRows(m, 0, n, rowsPerView(), (i0, i1, dfb, ddb) -> {
                try (NDArray srcView = a.get(new NDIndex((n - i1) + ":" + (n - i0)))) {
                    FloatBuffer src = srcView.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
                    for (int i = i0; i < i1; i++) {
                        int r = n - 1 - i;
                        src.get((r - (n - i1)) * n, row, 0, n);
                        if (diagonal != null) {
                            row[r] = diagonal[r];
                        }
                        int off = (i - i0) * n;
                        if (f64) {
                            for (int j = 0; j <= i; j++) {
                                drow[j] = row[n - 1 - j];
                            }
                            ddb.put(off, drow, 0, i + 1);
                        } else {
                            float[] frow = drowF(row, i);
                            dfb.put(off, frow, 0, i + 1);
                        }
                    }
                }
            });
        }

        private float[] scratchF;

        private float[] drowF(float[] row, int i) {
            if (scratchF == null) {
                scratchF = new float[n];
            }
            for (int j = 0; j <= i; j++) {
                scratchF[j] = row[n - 1 - j];
            }
            return scratchF;
        }

        /** Reads the b×b block at (k, k) into a row-major double array. */
        double[] readDiag(int k, int b) {
            double[] d = new double[b * b];
            forRows(m, k, k + b, b, (r0, r1, fb, db) -> {
                for (int r = 0; r < b; r++) {
                    for (int c = 0; c < b; c++) {
                        d[r * b + c] = f64 ? db.get(r * n + k + c) : fb.get(r * n + k + c);
                    }
                }
            });
            return d;
        }

        void writeDiag(int k, int b, double[] d) {
            forRows(m, k, k + b, b, (r0, r1, fb, db) -> {
                for (int r = 0; r < b; r++) {
                    for (int c = 0; c < b; c++) {
                        if (f64) {
                            db.put(r * n + k + c, d[r * b + c]);
                        } else {
                            fb.put(r * n + k + c, (float) d[r * b + c]);
                        }
                    }
                }
            });
        }

        NDArray small(NDManager mgr, double[] d, int b) {
            NDArray x = mgr.create(d, new Shape(b, b));
            return f64 ? x : x.toType(DataType.FLOAT32, false);
        }

        /** In-place lower Cholesky: the lower triangle becomes L with L Lᵀ = work. */
        void choleskyInPlace() {
            for (int k = 0; k < n; k += BLOCK) {
                int b = Math.min(BLOCK, n - k);
                double[] d = readDiag(k, b);
                DenseTriangular.choleskyLower(d, b, k);
                writeDiag(k, b, d);
                int m2 = n - k - b;
                if (m2 == 0) {
                    break;
                }
                double[] inv = DenseTriangular.invertLower(d, b);
                try (NDManager s = m.getManager().newSubManager()) {
                    NDArray invT = small(s, DenseTriangular.transpose(inv, b), b);
                    NDIndex panelIdx = new NDIndex((k + b) + ":" + n + ", " + k + ":" + (k + b));
                    NDArray panel = m.get(panelIdx);
                    panel.attach(s);
                    NDArray p = panel.matMul(invT);
                    p.attach(s);
                    m.set(panelIdx, p);
                    // trailing lower triangle: rows [r0, r1) x cols [k+b, r1)
                    for (int r0 = k + b; r0 < n; r0 += CHUNK) {
                        int r1 = Math.min(n, r0 + CHUNK);
                        try (NDArray pr = p.get(new NDIndex((r0 - k - b) + ":" + (r1 - k - b)));
                                NDArray pc = p.get(new NDIndex("0:" + (r1 - k - b)));
                                NDArray pct = pc.transpose();
                                NDArray prod = pr.matMul(pct);
                                NDArray t = m.get(new NDIndex(r0 + ":" + r1 + ", " + (k + b) + ":" + r1))) {
                            t.subi(prod);
                        }
                    }
                }
            }
            // clear the upper triangle (garbage from the square trailing chunks)
            forRows(m, 0, n, rowsPerView(), (r0, r1, fb, db) -> {
                for (int r = r0; r < r1; r++) {
                    int off = (r - r0) * n;
                    for (int c = r + 1; c < n; c++) {
                        if (f64) {
                            db.put(off + c, 0.0);
                        } else {
                            fb.put(off + c, 0f);
                        }
                    }
                }
            });
        }

        /** In-place inversion of the lower-triangular work matrix (blocked, last block column first). */
        void invertLowerInPlace() {
            int last = ((n - 1) / BLOCK) * BLOCK;
            for (int j = last; j >= 0; j -= BLOCK) {
                int b = Math.min(BLOCK, n - j);
                double[] d = readDiag(j, b);
                double[] inv = DenseTriangular.invertLower(d, b);
                int m2 = n - j - b;
                if (m2 > 0) {
                    try (NDManager s = m.getManager().newSubManager()) {
                        NDIndex panelIdx = new NDIndex((j + b) + ":" + n + ", " + j + ":" + (j + b));
                        NDArray panel = m.get(panelIdx);
                        panel.attach(s);
                        // X = M22 · L21, M22 lower triangular: chunk rows use only columns < r1
                        NDArray x = s.zeros(new Shape(m2, b), m.getDataType());
                        for (int r0 = 0; r0 < m2; r0 += CHUNK) {
                            int r1 = Math.min(m2, r0 + CHUNK);
                            try (NDArray m22 = m.get(new NDIndex((j + b + r0) + ":" + (j + b + r1) + ", "
                                            + (j + b) + ":" + (j + b + r1)));
                                    NDArray l = panel.get(new NDIndex("0:" + r1));
                                    NDArray prod = m22.matMul(l)) {
                                x.set(new NDIndex(r0 + ":" + r1), prod);
                            }
                        }
                        NDArray minv = small(s, inv, b);
                        NDArray p = x.matMul(minv).neg();
                        p.attach(s);
                        m.set(panelIdx, p);
                    }
                }
                writeDiag(j, b, inv);
            }
        }

        /** u[i][j] = work[n-1-i][n-1-j] (as float32); the result is upper triangular. */
        void copyReversedTo(NDArray u) {
            double[] drow = new double[n];
            float[] frow = new float[n];
            float[] out = new float[n];
            forRows(u, 0, n, rowsPerView(), (i0, i1, ufb, unused) -> {
                forRows(m, n - i1, n - i0, n, (r0, r1, fb, db) -> {
                    for (int i = i0; i < i1; i++) {
                        int r = n - 1 - i;
                        int off = (r - r0) * n;
                        // work row r holds columns [0, r]; they land in u row i at columns n-1-c in [i, n)
                        java.util.Arrays.fill(out, 0, i, 0f);
                        if (f64) {
                            db.get(off, drow, 0, r + 1);
                            for (int c = 0; c <= r; c++) {
                                out[n - 1 - c] = (float) drow[c];
                            }
                        } else {
                            fb.get(off, frow, 0, r + 1);
                            for (int c = 0; c <= r; c++) {
                                out[n - 1 - c] = frow[c];
                            }
                        }
                        ufb.put((i - i0) * n, out, 0, n);
                    }
                });
            });
        }
    }
}
