package org.prune4j.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import org.prune4j.prune.PruningMask;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.prune.linalg.InverseCholesky;

/**
 * SparseGPT (Frantar &amp; Alistarh 2023): one-shot pruning of a Linear layer with Optimal Brain Surgeon
 * updates of the remaining weights, following {@code SparseGPT.fasterprune} of IST-DASLab/sparsegpt.
 *
 * <ol>
 *   <li>Dead inputs ({@code H[d, d] == 0}): {@code H[d, d] = 1} and {@code W[:, d] = 0}.</li>
 *   <li>Damping: {@code H += percdamp · mean(diag H) · I} (after the dead fix).</li>
 *   <li>{@code U} = upper Cholesky factor of {@code H⁻¹} ({@link InverseCholesky}).</li>
 *   <li>Column blocks {@code [i1, i2)} of width {@code blockSize} (128), in order. {@code W1} is the
 *       block of the current W and {@code Hinv1 = U[i1:i2, i1:i2]}.
 *     <ul>
 *       <li>Unstructured, decided once at the block start: {@code tmp = W1² / diag(Hinv1)²};
 *           {@code thresh} = the {@code (long) (numel(W1) · s)}-th smallest (0-based) over the whole
 *           {@code rows × 128} block; prune {@code tmp <= thresh} (so per-row sparsity varies and each
 *           block prunes k + 1 entries absent ties). Sparsity 0 prunes nothing.</li>
 *       <li>N:M, decided at each column {@code i} starting a group (a multiple of M) from the
 *           <em>current</em> {@code W1}: the N smallest {@code tmp} of the row's group, ties to the lower
 *           column. The block width is rounded down to a multiple of M (at least M) so that no group
 *           straddles two blocks; for M dividing 128 it stays 128, as in the reference. A trailing partial
 *           group of {@code g} columns prunes {@code floor(N g / M)} (the reference prunes a partial
 *           group as if it were full).</li>
 *       <li>For each column i: {@code q} = w with the pruned entries zeroed,
 *           {@code err = (w − q) / Hinv1[i, i]}, {@code W1[:, i:] −= err ⊗ Hinv1[i, i:]}.</li>
 *     </ul>
 *     After the block, {@code W[:, i1:i2] = Q1} and the later columns receive {@code −Err1 · U[i1:i2, i2:]}.</li>
 * </ol>
 *
 * <p><b>Implementation.</b> The in-block work is independent per row, so it runs in plain Java (float32,
 * the same operation order per element as the reference: no FMA, products rounded before the
 * subtraction), rows split over the common fork-join pool, with no JNI call per column. The lazy
 * updates are applied just before a block is processed, as one DJL matmul {@code Err[:, :i1] ·
 * U[:i1, i1:i2]} over all previous blocks' errors (kept transposed in a native tensor), which costs the
 * same flops as the reference's per-block trailing update but touches only the block being processed.
 */
public final class SparseGpt {
    /** The reference's column block width. */
    public static final int DEFAULT_BLOCK_SIZE = 128;
    /** The reference's dampening fraction of the mean diagonal. */
    public static final double DEFAULT_PERC_DAMP = 0.01;

    private final int blockSize;
    private final double percDamp;
    private final InverseCholesky.Precision precision;

    /** The reference settings: block size 128, percdamp 0.01, float64 factorization. */
    public SparseGpt() {
        this(DEFAULT_BLOCK_SIZE, DEFAULT_PERC_DAMP, InverseCholesky.Precision.FLOAT64);
    }

    /**
     * @param blockSize column block width (positive)
     * @param percDamp dampening as a fraction of the mean diagonal of H (non-negative)
     * @param precision of the inverse-Cholesky factorization
     */
    public SparseGpt(int blockSize, double percDamp, InverseCholesky.Precision precision) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
        }
        if (!(percDamp >= 0)) {
            throw new IllegalArgumentException("percDamp must be >= 0: " + percDamp);
        }
        this.blockSize = blockSize;
        this.percDamp = percDamp;
        this.precision = precision;
    }

    /**
     * The pruned and OBS-updated weight (pruned entries exactly 0) and the mask.
     *
     * @param weight row-major {@code rows × cols} (a new array; the input is not modified)
     */
    public record Result(int rows, int cols, float[] weight, PruningMask mask) {
        /** The updated weight as a {@code [rows, cols]} float32 NDArray in {@code manager}. */
        public NDArray weight(NDManager manager) {
            return manager.create(weight, new Shape(rows, cols));
        }
    }

    /** Prunes a {@code [rows, cols]} weight NDArray with the Hessian of its input; nothing is modified. */
    public Result prune(NDArray weight, HessianStatistics stats, SparsityPattern pattern) {
        int[] rc = Matrices.rowsCols(weight);
        if (rc[1] != stats.inFeatures()) {
            throw new IllegalArgumentException("weight has " + rc[1] + " inputs, statistics " + stats.inFeatures());
        }
        if (stats.samples() == 0) {
            throw new IllegalStateException("SparseGPT needs calibration data: the statistics saw no input");
        }
        return prune(Matrices.toFloats(weight), rc[0], rc[1], stats.hessian(), pattern);
    }

    /**
     * Prunes a row-major {@code rows × cols} weight given {@code H} ({@code [cols, cols]} float32,
     * not modified).
     */
    public Result prune(float[] weight, int rows, int cols, NDArray hessian, SparsityPattern pattern) {
        Matrices.checkSize(weight, rows, cols);
        Shape hs = hessian.getShape();
        if (hs.dimension() != 2 || hs.get(0) != cols || hs.get(1) != cols) {
            throw new IllegalArgumentException("H must be [" + cols + ", " + cols + "], got " + hs);
        }
        float[] w = weight.clone();
        boolean[] pruned = new boolean[w.length];
        if (rows == 0 || cols == 0) {
            return new Result(rows, cols, w, new PruningMask(rows, cols, pruned));
        }
        try (NDManager scope = hessian.getManager().newSubManager()) {
            float[] diag = diagonal(hessian, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                if (diag[j] == 0f) {
                    diag[j] = 1f;
                    for (int r = 0; r < rows; r++) {
                        w[r * cols + j] = 0f;
                    }
                }
                sum += diag[j];
            }
            float damp = (float) (percDamp * (float) (sum / cols));
            for (int j = 0; j < cols; j++) {
                diag[j] += damp;
            }
            NDArray u = InverseCholesky.upperFactorOfInverse(hessian, diag, precision, scope);
            new Run(w, pruned, rows, cols, u, pattern, effectiveBlockSize(pattern), scope).blocks();
        }
        return new Result(rows, cols, w, new PruningMask(rows, cols, pruned));
    }

    private int effectiveBlockSize(SparsityPattern pattern) {
        if (pattern instanceof SparsityPattern.NOfM nm) {
            return Math.max(nm.m(), (blockSize / nm.m()) * nm.m());
        }
        return blockSize;
    }

    private static float[] diagonal(NDArray h, int n) {
        try (NDArray flat = h.reshape(-1);
                NDArray d = flat.get(new NDIndex("::" + (n + 1)))) {
            float[] out = d.toFloatArray();
            if (out.length != n) {
                throw new IllegalStateException("diagonal has " + out.length + " entries, expected " + n);
            }
            return out;
        }
    }

    /** One pruning run: the block loop over a weight copy. */
    private static final class Run {
        private final float[] w;
        private final boolean[] pruned;
        private final int rows;
        private final int cols;
        private final NDArray u;
        private final SparsityPattern pattern;
        private final int bs;
        private final NDManager scope;
        /** Err transposed, [cols, rows]: row i holds column i's errors of all rows. */
        private final NDArray errT;

        Run(float[] w, boolean[] pruned, int rows, int cols, NDArray u, SparsityPattern pattern, int bs,
                NDManager scope) {
            this.w = w;
            this.pruned = pruned;
            this.rows = rows;
            this.cols = cols;
            this.u = u;
            this.pattern = pattern;
            this.bs = bs;
            this.scope = scope;
            this.errT = scope.zeros(new Shape(cols, rows), DataType.FLOAT32);
        }

        void blocks() {
            for (int i1 = 0; i1 < cols; i1 += bs) {
                int i2 = Math.min(cols, i1 + bs);
                block(i1, i2);
            }
        }

        private void block(int i1, int i2) {
            int count = i2 - i1;
            float[] hinv;
            try (NDArray h1 = u.get(new NDIndex(i1 + ":" + i2 + ", " + i1 + ":" + i2))) {
                hinv = h1.toFloatArray();
            }
            float[] w1 = new float[rows * count];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w, r * cols + i1, w1, r * count, count);
            }
            if (i1 > 0) {
                // lazy updates of all previous blocks: W1 -= Err[:, :i1] · U[:i1, i1:i2]
                try (NDArray e = errT.get(new NDIndex("0:" + i1));
                        NDArray et = e.transpose();
                        NDArray ub = u.get(new NDIndex("0:" + i1 + ", " + i1 + ":" + i2));
                        NDArray delta = et.matMul(ub)) {
                    float[] d = delta.toFloatArray();
                    for (int i = 0; i < d.length; i++) {
                        w1[i] -= d[i];
                    }
                }
            }
            float[] invDiagSq = new float[count];
            for (int i = 0; i < count; i++) {
                float d = hinv[i * count + i];
                invDiagSq[i] = d * d;
            }
            boolean[] mask1 = new boolean[rows * count];
            if (pattern instanceof SparsityPattern.Unstructured un && un.sparsity() > 0) {
                float[] tmp = new float[w1.length];
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < count; i++) {
                        float x = w1[r * count + i];
                        tmp[r * count + i] = (x * x) / invDiagSq[i];
                    }
                }
                float thresh = Selection.kthSmallest(tmp, 0, tmp.length, (long) (tmp.length * un.sparsity()), false);
                for (int i = 0; i < tmp.length; i++) {
                    mask1[i] = tmp[i] <= thresh;
                }
            }
            float[] errBlockT = new float[count * rows];
            SparsityPattern.NOfM nm = pattern instanceof SparsityPattern.NOfM x ? x : null;
            int chunk = Math.max(16, rows / (4 * Runtime.getRuntime().availableProcessors()));
            IntStream.range(0, (rows + chunk - 1) / chunk).parallel().forEach(c -> {
                float[] tmp = nm == null ? null : new float[nm.m()];
                long[] scratch = nm == null ? null : new long[nm.m()];
                int r1 = Math.min(rows, (c + 1) * chunk);
                for (int r = c * chunk; r < r1; r++) {
                    pruneRow(r, i1, count, w1, hinv, invDiagSq, mask1, errBlockT, nm, tmp, scratch);
                }
            });
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w1, r * count, w, r * cols + i1, count);
                for (int i = 0; i < count; i++) {
                    pruned[r * cols + i1 + i] = mask1[r * count + i];
                }
            }
            if (i2 < cols) {
                try (NDArray target = errT.get(new NDIndex(i1 + ":" + i2))) {
                    target.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, errBlockT);
                }
            }
        }

        /** The sequential OBS sweep over one row of the block; W1's row ends as Q1's row. */
        private void pruneRow(int r, int i1, int count, float[] w1, float[] hinv, float[] invDiagSq, boolean[] mask1,
                float[] errBlockT, SparsityPattern.NOfM nm, float[] tmp, long[] scratch) {
            int base = r * count;
            for (int i = 0; i < count; i++) {
                if (nm != null && (i1 + i) % nm.m() == 0) {
                    int width = Math.min(nm.m(), cols - (i1 + i));
                    for (int j = 0; j < width; j++) {
                        float x = w1[base + i + j];
                        tmp[j] = (x * x) / invDiagSq[i + j];
                    }
                    Selection.markSmallestInGroup(tmp, 0, mask1, base + i, width, nm.prunedInGroup(width), scratch);
                }
                if (!mask1[base + i]) {
                    continue; // q == w: err = 0, nothing to propagate
                }
                float x = w1[base + i];
                float err = x / hinv[i * count + i];
                w1[base + i] = 0f;
                errBlockT[i * rows + r] = err;
                int h = i * count;
                for (int j = i + 1; j < count; j++) {
                    w1[base + j] -= err * hinv[h + j];
                }
            }
        }
    }
}
