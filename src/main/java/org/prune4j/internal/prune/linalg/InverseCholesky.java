package org.prune4j.internal.prune.linalg;

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
 * in place with a left-looking blocked Cholesky, (3) invert the lower factor in place with a blocked
 * triangular inversion, and (4) rotate it by 180° in place: about {@code 0.8 n³} flops instead of the
 * {@code ≈ n³} of the reference's {@code cholesky → cholesky_inverse → cholesky}, and one work matrix.
 * (Verified: {@code InverseCholeskyTest} checks {@code U A Uᵀ = I}, and the SparseGPT reference test
 * compares {@code U} with the reference's factor.)
 *
 * <p>The {@code 256 × 256} diagonal blocks are factored and inverted in plain Java {@code double}. Each
 * Cholesky step updates its block column with one DJL matmul over all previous columns and solves the
 * panel below the diagonal block with a second; each inversion step is {@code M21 = −M22 · L21 · M11}
 * with the triangular {@code M22} split in two row halves so that about a quarter of the dense flops
 * are skipped. Few, large operations: on a loaded machine each native parallel operation has a
 * latency cost. The work matrix is a torch tensor (closed deterministically), read and written from
 * Java through direct buffers of its row ranges.
 *
 * <p><b>Precision.</b> {@link Precision#FLOAT32} (the default of {@code SparseGpt}, as the reference
 * computes in float32) and {@link Precision#FLOAT64} agree with the reference fixtures' factor equally
 * well (max error 0.9–1.9e-7 relative to max |U| on all four cases: the float32 rounding of the result
 * dominates), and with each other to ≤ 1.1e-7; on a deliberately ill-conditioned matrix (condition
 * ~1e6) float32 differs from float64 by ~1e-6 relative. Float64 costs twice the memory and about twice
 * the time.
 */
public final class InverseCholesky {
    /** Storage and matmul precision of the work matrix. */
    public enum Precision {
        /** Float32 work matrix and matmuls (diagonal blocks in double); half the memory, about twice the speed. */
        FLOAT32(DataType.FLOAT32),
        /** Float64 throughout; for ill-conditioned matrices. */
        FLOAT64(DataType.FLOAT64);

        final DataType type;

        Precision(DataType type) {
            this.type = type;
        }
    }

    /** Diagonal block size (Java double factorization) and panel width. */
    private static final int BLOCK = 256;
    /** Above this many rows, the triangular product of the inversion is split in two. */
    private static final int SPLIT = 1024;

    private InverseCholesky() {
    }

    /**
     * Like {@link #upperFactorOfInverse} with float32 precision, but computed in the storage of
     * {@code a}, which must be a contiguous float32 {@code [n, n]} symmetric array owned by the caller:
     * on return {@code a} holds {@code U} and {@code A} is gone. Saves the {@code n²} work matrix.
     */
    public static void upperFactorOfInverseInPlace(NDArray a, float[] diagonal) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(0) != s.get(1) || a.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a square float32 matrix, got " + s + " " + a.getDataType());
        }
        int n = Math.toIntExact(s.get(0));
        if (diagonal == null || diagonal.length != n) {
            throw new IllegalArgumentException("the diagonal must have " + n + " entries");
        }
        Work w = new Work(a, n);
        w.rotateInPlace(); // symmetric A: the rotation is P A P
        w.setReversedDiagonalAndClearUpper(diagonal);
        w.choleskyInPlace();
        w.invertLowerInPlace();
        w.rotateInPlace();
    }

    /**
     * {@code U} (upper triangular, positive diagonal, zeros below) with {@code Uᵀ U = A⁻¹}, as a new
     * {@code [n, n]} float32 array in {@code manager}.
     *
     * @param a symmetric {@code [n, n]} float32 matrix; only its upper triangle and, unless
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
        NDArray work = manager.zeros(new Shape(n, n), precision.type);
        try (NDManager scope = manager.newSubManager()) {
            NDArray src = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, true);
            if (src != a) {
                src.attach(scope);
            }
            Work w = new Work(work, n);
            w.fillReversed(src, diagonal);
            w.choleskyInPlace();
            w.invertLowerInPlace();
            w.rotateInPlace();
        } catch (RuntimeException e) {
            work.close();
            throw e;
        }
        if (precision.type == DataType.FLOAT32) {
            return work;
        }
        NDArray u = work.toType(DataType.FLOAT32, false);
        work.close();
        return u;
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

        /** One direct buffer for the small b×b operands, reused (each is consumed before the next). */
        private java.nio.ByteBuffer smallBuffer;

        /**
         * A b×b NDArray over a reused direct buffer (no allocation per step; DJL wraps a direct buffer
         * without copying). Valid until the next call.
         */
        NDArray small(NDManager mgr, double[] d, int b) {
            int bytes = b * b * (f64 ? 8 : 4);
            if (smallBuffer == null || smallBuffer.capacity() < bytes) {
                smallBuffer = java.nio.ByteBuffer.allocateDirect(BLOCK * BLOCK * 8).order(ByteOrder.nativeOrder());
            }
            java.nio.ByteBuffer view = smallBuffer.slice(0, bytes).order(ByteOrder.nativeOrder());
            if (f64) {
                view.asDoubleBuffer().put(0, d, 0, b * b);
            } else {
                FloatBuffer fb = view.asFloatBuffer();
                for (int i = 0; i < b * b; i++) {
                    fb.put(i, (float) d[i]);
                }
            }
            return mgr.create(view, new Shape(b, b), m.getDataType());
        }

        /** Inverses of the diagonal blocks of L, kept from the factorization for the inversion. */
        private final java.util.List<double[]> diagInverses = new java.util.ArrayList<>();

        /**
         * In-place left-looking blocked Cholesky: the lower triangle becomes L with L Lᵀ = work. Step k
         * updates the block column with one matmul over all previous columns, factors the diagonal
         * block in Java and solves the panel below it with one matmul.
         */
        void choleskyInPlace() {
            for (int k = 0; k < n; k += BLOCK) {
                int b = Math.min(BLOCK, n - k);
                try (NDManager s = m.getManager().newSubManager()) {
                    if (k > 0) {
                        // A[k:, k:k+b] -= L[k:, :k] · L[k:k+b, :k]ᵀ
                        NDArray left = m.get(new NDIndex(k + ":" + n + ", 0:" + k));
                        left.attach(s);
                        NDArray top = m.get(new NDIndex(k + ":" + (k + b) + ", 0:" + k));
                        top.attach(s);
                        NDArray topT = top.transpose();
                        topT.attach(s);
                        NDArray prod = left.matMul(topT);
                        prod.attach(s);
                        NDArray col = m.get(new NDIndex(k + ":" + n + ", " + k + ":" + (k + b)));
                        col.attach(s);
                        col.subi(prod);
                    }
                    double[] d = readDiag(k, b);
                    DenseTriangular.choleskyLower(d, b, k);
                    writeDiag(k, b, d);
                    double[] inv = DenseTriangular.invertLower(d, b);
                    diagInverses.add(inv);
                    if (k + b < n) {
                        // L[k+b:, k:k+b] = A[k+b:, k:k+b] · L11⁻ᵀ
                        NDArray invT = small(s, DenseTriangular.transpose(inv, b), b);
                        NDIndex panelIdx = new NDIndex((k + b) + ":" + n + ", " + k + ":" + (k + b));
                        NDArray panel = m.get(panelIdx);
                        panel.attach(s);
                        NDArray p = panel.matMul(invT);
                        p.attach(s);
                        writeRect(p, k + b, k);
                    }
                }
            }
        }

        /**
         * In-place inversion of the lower-triangular work matrix, last block column first:
         * {@code M21 = −M22 · L21 · M11}. {@code M22} is lower triangular, so the product is split into
         * two row halves, the upper half using only the columns it needs.
         */
        void invertLowerInPlace() {
            int last = ((n - 1) / BLOCK) * BLOCK;
            for (int j = last; j >= 0; j -= BLOCK) {
                int b = Math.min(BLOCK, n - j);
                double[] inv = diagInverses.get(j / BLOCK);
                int m2 = n - j - b;
                if (m2 > 0) {
                    try (NDManager s = m.getManager().newSubManager()) {
                        int o = j + b;
                        NDIndex panelIdx = new NDIndex(o + ":" + n + ", " + j + ":" + o);
                        NDArray panel = m.get(panelIdx);
                        panel.attach(s);
                        double[] negInv = inv.clone();
                        for (int i = 0; i < negInv.length; i++) {
                            negInv[i] = -negInv[i];
                        }
                        NDArray negInvM = small(s, negInv, b);
                        if (m2 <= SPLIT) {
                            NDArray m22 = m.get(new NDIndex(o + ":" + n + ", " + o + ":" + n));
                            m22.attach(s);
                            NDArray x = m22.matMul(panel);
                            x.attach(s);
                            NDArray p = x.matMul(negInvM);
                            p.attach(s);
                            writeRect(p, o, j);
                        } else {
                            int h = m2 / 2;
                            NDArray top = m.get(new NDIndex(o + ":" + (o + h) + ", " + o + ":" + (o + h)));
                            top.attach(s);
                            NDArray bottom = m.get(new NDIndex((o + h) + ":" + n + ", " + o + ":" + n));
                            bottom.attach(s);
                            NDArray panelTop = panel.get(new NDIndex("0:" + h));
                            panelTop.attach(s);
                            NDArray x1 = top.matMul(panelTop);
                            x1.attach(s);
                            NDArray x2 = bottom.matMul(panel);
                            x2.attach(s);
                            // both products are computed before the panel is overwritten
                            NDArray p1 = x1.matMul(negInvM);
                            p1.attach(s);
                            NDArray p2 = x2.matMul(negInvM);
                            p2.attach(s);
                            writeRect(p1, o, j);
                            writeRect(p2, o + h, j);
                        }
                    }
                }
                writeDiag(j, b, inv);
            }
        }

        /**
         * Copies a contiguous {@code [r, c]} array of the work matrix's type into the work matrix at
         * {@code (row0, col0)} through direct buffers: a plain memory copy, instead of a native indexed
         * assignment (which, being a parallel operation, pays a thread hand-off on a loaded machine).
         */
        void writeRect(NDArray src, int row0, int col0) {
            int r = Math.toIntExact(src.getShape().get(0));
            int c = Math.toIntExact(src.getShape().get(1));
            var sb = src.toByteBuffer(true).order(ByteOrder.nativeOrder());
            DoubleBuffer sd = f64 ? sb.asDoubleBuffer() : null;
            FloatBuffer sf = f64 ? null : sb.asFloatBuffer();
            double[] drow = f64 ? new double[c] : null;
            float[] frow = f64 ? null : new float[c];
            forRows(m, row0, row0 + r, rowsPerView(), (r0, r1, fb, db) -> {
                for (int i = r0; i < r1; i++) {
                    int from = (i - row0) * c;
                    int to = (i - r0) * n + col0;
                    if (f64) {
                        sd.get(from, drow, 0, c);
                        db.put(to, drow, 0, c);
                    } else {
                        sf.get(from, frow, 0, c);
                        fb.put(to, frow, 0, c);
                    }
                }
            });
        }

        /** work[i][i] = diagonal[n-1-i]; entries above the diagonal become 0. */
        void setReversedDiagonalAndClearUpper(float[] diagonal) {
            double[] dz = f64 ? new double[n] : null;
            float[] fz = f64 ? null : new float[n];
            forRows(m, 0, n, rowsPerView(), (r0, r1, fb, db) -> {
                for (int r = r0; r < r1; r++) {
                    int off = (r - r0) * n;
                    if (f64) {
                        db.put(off + r, diagonal[n - 1 - r]);
                        db.put(off + r + 1, dz, 0, n - r - 1);
                    } else {
                        fb.put(off + r, diagonal[n - 1 - r]);
                        fb.put(off + r + 1, fz, 0, n - r - 1);
                    }
                }
            });
        }

        /**
         * Rotates the work matrix by 180° in place, {@code work[i][j] ↔ work[n-1-i][n-1-j]}, turning
         * {@code L'⁻¹} (lower) into {@code U = P L'⁻¹ P} (upper) without a second matrix.
         */
        void rotateInPlace() {
            int half = n / 2;
            int step = Math.max(1, Math.min(rowsPerView(), Math.max(1, half)));
            double[] da = new double[n];
            double[] db2 = new double[n];
            float[] fa = new float[n];
            float[] fb2 = new float[n];
            for (int i0 = 0; i0 < half; i0 += step) {
                int i1 = Math.min(half, i0 + step);
                // top rows [i0, i1) pair with bottom rows [n-i1, n-i0)
                try (NDArray top = m.get(new NDIndex(i0 + ":" + i1));
                        NDArray bottom = m.get(new NDIndex((n - i1) + ":" + (n - i0)))) {
                    var tb = top.toByteBuffer(true).order(ByteOrder.nativeOrder());
                    var bb = bottom.toByteBuffer(true).order(ByteOrder.nativeOrder());
                    for (int i = i0; i < i1; i++) {
                        int ot = (i - i0) * n;
                        int ob = (n - 1 - i - (n - i1)) * n;
                        if (f64) {
                            DoubleBuffer t = tb.asDoubleBuffer();
                            DoubleBuffer b = bb.asDoubleBuffer();
                            t.get(ot, da, 0, n);
                            b.get(ob, db2, 0, n);
                            reverse(da);
                            reverse(db2);
                            t.put(ot, db2, 0, n);
                            b.put(ob, da, 0, n);
                        } else {
                            FloatBuffer t = tb.asFloatBuffer();
                            FloatBuffer b = bb.asFloatBuffer();
                            t.get(ot, fa, 0, n);
                            b.get(ob, fb2, 0, n);
                            reverse(fa);
                            reverse(fb2);
                            t.put(ot, fb2, 0, n);
                            b.put(ob, fa, 0, n);
                        }
                    }
                }
            }
            if (n % 2 == 1) {
                forRows(m, half, half + 1, 1, (r0, r1, fb, dbuf) -> {
                    if (f64) {
                        dbuf.get(0, da, 0, n);
                        reverse(da);
                        dbuf.put(0, da, 0, n);
                    } else {
                        fb.get(0, fa, 0, n);
                        reverse(fa);
                        fb.put(0, fa, 0, n);
                    }
                });
            }
        }

        private static void reverse(double[] a) {
            for (int i = 0, j = a.length - 1; i < j; i++, j--) {
                double t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }

        private static void reverse(float[] a) {
            for (int i = 0, j = a.length - 1; i < j; i++, j--) {
                float t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
    }
}
