package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.linalg.InverseCholesky;

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
 * <p><b>Implementation.</b> The weight is processed transposed ({@code [cols][rows]}, Java float32)
 * so that a column block is one contiguous slab. The in-block sweep is independent per row: it runs in
 * plain Java with rows split over the common fork-join pool, one long vectorizable loop over rows per
 * (column, later column) pair, no native call per column, and the same float32 operations per element
 * as the reference (no FMA, products rounded before the subtraction). The lazy updates are batched
 * in super-blocks of 1024 columns: before a block is swept it receives the errors of the earlier
 * blocks of its super-block ({@code Err · U[s1:i1, i1:i2]}, one DJL matmul), and after a super-block
 * every later column receives its errors at once ({@code Err · U[s1:s2, s2:]}, a matmul with a
 * 1024-wide inner dimension). The flops equal the reference's per-block trailing update; only the
 * float32 summation order differs (against the reference loop: weights within ~3e-8, identical masks).
 * The factor is float32 by default, like the reference ({@link InverseCholesky}).
 *
 * <p>Memory besides the input: the transposed weight ({@code rows × cols} floats, heap, kept by the
 * {@link Result}) and two {@code rows × cols} flag arrays; one super-block of errors
 * ({@code 1024 × rows} floats, native); {@code U} ({@code cols²} floats, native), which
 * {@link HessianStatistics} keeps for the layers sharing it, and which replaces {@code H} in place once
 * the statistics are {@linkplain HessianStatistics#finish() finished} (otherwise it is an extra
 * {@code cols²} floats next to {@code H}).
 */
public final class SparseGpt {
    /** The reference's column block width. */
    public static final int DEFAULT_BLOCK_SIZE = 128;
    /** The reference's dampening fraction of the mean diagonal. */
    public static final double DEFAULT_PERC_DAMP = 0.01;

    /** Columns per lazy-update super-block (rounded down to a multiple of the block size). */
    private static final int SUPER_BLOCK = 1024;

    private final int blockSize;
    private final double percDamp;
    private final InverseCholesky.Precision precision;

    /** The reference settings: block size 128, percdamp 0.01; float32 factorization, like the reference. */
    public SparseGpt() {
        this(DEFAULT_BLOCK_SIZE, DEFAULT_PERC_DAMP, InverseCholesky.Precision.FLOAT32);
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
     * The pruned and OBS-updated weight (pruned entries exactly 0) and the mask. The weight is held
     * transposed (as the algorithm produced it); {@link #weight()} makes a row-major copy and
     * {@link #copyWeightInto} writes it straight into an existing array.
     */
    public static final class Result {
        private final int rows;
        private final int cols;
        private final float[] weightT;
        private final PruningMask mask;

        Result(int rows, int cols, float[] weightT, PruningMask mask) {
            this.rows = rows;
            this.cols = cols;
            this.weightT = weightT;
            this.mask = mask;
        }

        /** Output features. */
        public int rows() {
            return rows;
        }

        /** Input features. */
        public int cols() {
            return cols;
        }

        /** The mask (true = pruned). */
        public PruningMask mask() {
            return mask;
        }

        /** A new row-major {@code rows × cols} copy of the updated weight. */
        public float[] weight() {
            return Transpose.of(weightT, cols, rows);
        }

        /** The updated weight as a new {@code [rows, cols]} float32 NDArray in {@code manager}. */
        public NDArray weight(NDManager manager) {
            NDArray a = manager.zeros(new Shape(rows, cols), DataType.FLOAT32);
            if (weightT.length > 0) {
                // a fresh zeros array is contiguous: write through its direct buffer
                FloatBuffer fb = a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
                forRowTiles((r0, r1, tile) -> fb.put(r0 * cols, tile, 0, (r1 - r0) * cols));
            }
            return a;
        }

        /**
         * Writes the updated weight into {@code target} in place ({@code [rows, cols]}, any float
         * dtype, e.g. a {@link org.prune4j.internal.nn.Parameter}'s value), a few row tiles at a time, so that
         * replacing a weight needs no second full-size array.
         */
        public void copyWeightInto(NDArray target) {
            if (!target.getShape().equals(new Shape(rows, cols))) {
                throw new IllegalArgumentException("target is " + target.getShape() + ", weight [" + rows + ", " + cols + "]");
            }
            // one direct buffer for all tiles: DJL wraps a direct buffer without copying, and set() copies
            // synchronously, so the buffer can be refilled for the next tile
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(tileRows() * cols * 4)
                    .order(ByteOrder.nativeOrder());
            try (NDManager scope = target.getManager().newSubManager()) {
                forRowTiles((r0, r1, tile) -> {
                    int n = (r1 - r0) * cols;
                    buffer.asFloatBuffer().put(0, tile, 0, n);
                    try (NDManager t = scope.newSubManager()) {
                        NDArray chunk = t.create(buffer.slice(0, n * 4).order(ByteOrder.nativeOrder()),
                                new Shape(r1 - r0, cols), DataType.FLOAT32);
                        NDArray typed = chunk.toType(target.getDataType(), false);
                        typed.attach(t);
                        target.set(new NDIndex(r0 + ":" + r1), typed);
                    }
                });
            }
        }

        private interface TileBody {
            void accept(int r0, int r1, float[] tile);
        }

        /** Row tiles of the row-major weight (about 4 MiB each), transposed back from {@code weightT}. */
        private int tileRows() {
            return (int) Math.max(1, Math.min(rows, (1L << 20) / Math.max(1, cols)));
        }

        private void forRowTiles(TileBody body) {
            int tileRows = tileRows();
            float[] tile = new float[tileRows * cols];
            for (int r0 = 0; r0 < rows; r0 += tileRows) {
                int r1 = Math.min(rows, r0 + tileRows);
                for (int c = 0; c < cols; c++) {
                    int src = c * rows;
                    for (int r = r0; r < r1; r++) {
                        tile[(r - r0) * cols + c] = weightT[src + r];
                    }
                }
                body.accept(r0, r1, tile);
            }
        }
    }

    /**
     * Prunes a {@code [rows, cols]} weight NDArray (any float dtype) with the Hessian of its input;
     * nothing is modified. The damped inverse factor is computed once per statistics object and
     * reused by every layer that shares it (q/k/v, gate/up).
     */
    public Result prune(NDArray weight, HessianStatistics stats, SparsityPattern pattern) {
        int[] rc = Matrices.rowsCols(weight);
        if (rc[1] != stats.inFeatures()) {
            throw new IllegalArgumentException("weight has " + rc[1] + " inputs, statistics " + stats.inFeatures());
        }
        if (stats.samples() == 0) {
            throw new IllegalStateException("SparseGPT needs calibration data: the statistics saw no input");
        }
        float[] wT = Matrices.toFloatsTransposed(weight);
        InverseFactor f = stats.inverseFactor(percDamp, precision);
        return run(wT, rc[0], rc[1], f, pattern);
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
        if (rows == 0 || cols == 0) {
            return new Result(rows, cols, new float[weight.length], new PruningMask(rows, cols, new boolean[weight.length]));
        }
        try (NDManager scope = hessian.getManager().newSubManager()) {
            InverseFactor f = InverseFactor.of(hessian, percDamp, precision, scope);
            // the weight transposed, [cols][rows]: a column block is one contiguous slab
            return run(Transpose.of(weight, rows, cols), rows, cols, f, pattern);
        }
    }

    /** The algorithm on the transposed weight {@code wT [cols][rows]}, which it overwrites. */
    private Result run(float[] wT, int rows, int cols, InverseFactor f, SparsityPattern pattern) {
        if (rows == 0 || cols == 0) {
            return new Result(rows, cols, wT, new PruningMask(rows, cols, new boolean[wT.length]));
        }
        for (int j = 0; j < cols; j++) {
            if (f.dead()[j]) {
                java.util.Arrays.fill(wT, j * rows, (j + 1) * rows, 0f);
            }
        }
        boolean[] prunedT = new boolean[wT.length];
        try (NDManager scope = f.u().getManager().newSubManager()) {
            new Run(wT, prunedT, rows, cols, f.u(), pattern, effectiveBlockSize(pattern), scope).blocks();
        }
        return new Result(rows, cols, wT, new PruningMask(rows, cols, Transpose.of(prunedT, cols, rows)));
    }

    private int effectiveBlockSize(SparsityPattern pattern) {
        if (pattern instanceof SparsityPattern.NOfM nm) {
            return Math.max(nm.m(), (blockSize / nm.m()) * nm.m());
        }
        return blockSize;
    }

    /**
     * One pruning run over the transposed weight {@code wT [cols][rows]}. Blocks are grouped in
     * super-blocks of about {@value #SUPER_BLOCK} columns: inside a super-block each block first
     * receives the lazy updates of the earlier blocks of the same super-block (one matmul); at the end
     * of a super-block all later columns receive its errors at once ({@code Err · U[s1:s2, s2:]}, a
     * matmul with a 1024-wide inner dimension).
     */
    private static final class Run {
        private final float[] wT;
        /** The mask, transposed like {@code wT}: {@code prunedT[c * rows + r]}. */
        private final boolean[] prunedT;
        private final int rows;
        private final int cols;
        private final NDArray u;
        private final SparsityPattern pattern;
        private final int bs;
        private final int superSize;
        /** Errors of the current super-block, [superSize, rows]: row i = column s1+i's errors. */
        private final NDArray errT;
        private final float[] err;
        private final float[] scratch;
        private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

        Run(float[] wT, boolean[] pruned, int rows, int cols, NDArray u, SparsityPattern pattern, int bs,
                NDManager scope) {
            this.wT = wT;
            this.prunedT = pruned;
            this.rows = rows;
            this.cols = cols;
            this.u = u;
            this.pattern = pattern;
            this.bs = bs;
            this.superSize = Math.min(cols, Math.max(bs, (SUPER_BLOCK / bs) * bs));
            this.errT = scope.zeros(new Shape(superSize, rows), DataType.FLOAT32);
            this.err = new float[bs * rows];
            this.scratch = new float[bs * rows];
        }

        void blocks() {
            for (int s1 = 0; s1 < cols; s1 += superSize) {
                int s2 = Math.min(cols, s1 + superSize);
                for (int i1 = s1; i1 < s2; i1 += bs) {
                    block(s1, i1, Math.min(s2, i1 + bs));
                }
                if (s2 < cols) {
                    trailing(s1, s2);
                }
            }
        }

        /** wT[c0:c1] -= U[s1:s2, c0:c1]ᵀ · Err[s1:s2] for all columns after the super-block. */
        private void trailing(int s1, int s2) {
            int chunk = (int) Math.max(bs, Math.min(cols, (64L << 20) / (4L * rows)));
            try (NDArray e = errT.get(new NDIndex("0:" + (s2 - s1)))) {
                for (int c0 = s2; c0 < cols; c0 += chunk) {
                    int c1 = Math.min(cols, c0 + chunk);
                    try (NDArray ub = u.get(new NDIndex(s1 + ":" + s2 + ", " + c0 + ":" + c1));
                            NDArray ubt = ub.transpose();
                            NDArray delta = ubt.matMul(e)) {
                        subtractFrom(delta, c0 * rows, (c1 - c0) * rows);
                    }
                }
            }
        }

        /** wT[offset, offset + len) -= delta (a contiguous float32 array of len values), in parallel. */
        private void subtractFrom(NDArray delta, int offset, int len) {
            java.nio.FloatBuffer d = delta.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            int parts = Math.max(1, Math.min(threads * 4, len / (1 << 20)));
            IntStream.range(0, parts).parallel().forEach(p -> {
                int a = (int) ((long) len * p / parts);
                int b = (int) ((long) len * (p + 1) / parts);
                float[] tmp = new float[Math.min(8192, b - a)];
                for (int x = a; x < b; x += tmp.length) {
                    int n = Math.min(tmp.length, b - x);
                    d.get(x, tmp, 0, n);
                    int o = offset + x;
                    for (int k = 0; k < n; k++) {
                        wT[o + k] -= tmp[k];
                    }
                }
            });
        }

        private void block(int s1, int i1, int i2) {
            int count = i2 - i1;
            // Hinv1 = U[i1:i2, i1:i2], read through a direct view of U's rows (no native copy)
            float[] hinv = new float[count * count];
            try (NDArray uRows = u.get(new NDIndex(i1 + ":" + i2))) {
                FloatBuffer ub = uRows.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int i = 0; i < count; i++) {
                    ub.get(i * cols + i1, hinv, i * count, count);
                }
            }
            if (i1 > s1) {
                // lazy updates from this super-block's earlier blocks: W1ᵀ -= U[s1:i1, i1:i2]ᵀ · Err[s1:i1]
                try (NDArray e = errT.get(new NDIndex("0:" + (i1 - s1)));
                        NDArray ub = u.get(new NDIndex(s1 + ":" + i1 + ", " + i1 + ":" + i2));
                        NDArray ubt = ub.transpose();
                        NDArray delta = ubt.matMul(e)) {
                    subtractFrom(delta, i1 * rows, count * rows);
                }
            }
            float[] diagSq = new float[count];
            for (int i = 0; i < count; i++) {
                float d = hinv[i * count + i];
                diagSq[i] = d * d;
            }
            // the block's mask is prunedT[i1 * rows, i2 * rows)
            if (pattern instanceof SparsityPattern.Unstructured un && un.sparsity() > 0) {
                int n = count * rows;
                for (int i = 0; i < count; i++) {
                    int o = (i1 + i) * rows;
                    float dsq = diagSq[i];
                    for (int r = 0; r < rows; r++) {
                        float x = wT[o + r];
                        scratch[i * rows + r] = (x * x) / dsq;
                    }
                }
                float thresh = Selection.kthSmallest(scratch, 0, n, (long) (n * un.sparsity()), false);
                int o = i1 * rows;
                for (int x = 0; x < n; x++) {
                    prunedT[o + x] = scratch[x] <= thresh;
                }
            }
            SparsityPattern.NOfM nm = pattern instanceof SparsityPattern.NOfM x ? x : null;
            // split rows over threads only when the sweep is large enough to pay for the hand-off
            long work = (long) count * count / 2 * rows;
            int parts = work < (8L << 20) ? 1 : Math.max(1, Math.min(threads, rows / 64));
            IntStream.range(0, parts).parallel().forEach(p -> {
                int ra = (int) ((long) rows * p / parts);
                int rb = (int) ((long) rows * (p + 1) / parts);
                sweep(ra, rb, i1, count, hinv, diagSq, nm);
            });
            if (i2 < cols) {
                try (NDArray target = errT.get(new NDIndex((i1 - s1) + ":" + (i2 - s1)))) {
                    target.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, err, 0, count * rows);
                }
            }
        }

        /**
         * The sequential OBS sweep over the block's columns for rows [ra, rb): per column, the errors of
         * the pruned entries, then a rank-1 update of the later columns of the block (long, contiguous
         * loops over rows). Same float32 operations per element as the reference.
         */
        private void sweep(int ra, int rb, int i1, int count, float[] hinv, float[] diagSq, SparsityPattern.NOfM nm) {
            float[] tmp = nm == null ? null : new float[nm.m()];
            long[] keys = nm == null ? null : new long[nm.m()];
            boolean[] groupMask = nm == null ? null : new boolean[nm.m()];
            for (int i = 0; i < count; i++) {
                int col = i1 + i;
                int o = col * rows;
                if (nm != null && col % nm.m() == 0) {
                    int width = Math.min(nm.m(), cols - col);
                    int prune = nm.prunedInGroup(width);
                    for (int r = ra; r < rb; r++) {
                        for (int j = 0; j < width; j++) {
                            float x = wT[o + j * rows + r];
                            tmp[j] = (x * x) / diagSq[i + j];
                            groupMask[j] = false;
                        }
                        Selection.markSmallestInGroup(tmp, 0, groupMask, 0, width, prune, keys);
                        for (int j = 0; j < width; j++) {
                            if (groupMask[j]) {
                                prunedT[o + j * rows + r] = true;
                            }
                        }
                    }
                }
                float d = hinv[i * count + i];
                int e = i * rows;
                for (int r = ra; r < rb; r++) {
                    if (prunedT[o + r]) {
                        err[e + r] = wT[o + r] / d;
                        wT[o + r] = 0f;
                    } else {
                        err[e + r] = 0f;
                    }
                }
                int h = i * count;
                for (int j = i + 1; j < count; j++) {
                    float hij = hinv[h + j];
                    int oj = (i1 + j) * rows;
                    for (int r = ra; r < rb; r++) {
                        wT[oj + r] -= err[e + r] * hij;
                    }
                }
            }
        }
    }
}
