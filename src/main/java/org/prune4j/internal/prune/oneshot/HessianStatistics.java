package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.prune4j.internal.prune.linalg.InverseCholesky;

/**
 * SparseGPT's layer Hessian {@code H = (2 / n) Σ x xᵀ} for one Linear layer, accumulated call by call
 * from forward-hook inputs exactly like {@code SparseGPT.add_batch}.
 *
 * <p>For an input of shape {@code [B, T, in]} (or {@code [T, in]}, counted as {@code B = 1}), the
 * float32 update is {@code H *= n / (n + B); n += B; H += (2 / n) · inpᵀ inp}, so {@code n} counts
 * <em>sequences</em> (the batch dimension), not tokens, and feeding sequences one by one or in batches
 * gives the same {@code H} up to rounding. (The reference scales the input by {@code sqrt(2 / n)}
 * before the product; scaling the product instead avoids a copy of the input and changes only the
 * float32 rounding.) Any constant scale of {@code H} cancels in SparseGPT.
 *
 * <p>Symmetry halves the work for wide layers: above {@value #TILE} inputs, {@code H} is updated in
 * {@value #TILE}-wide tiles on and below the diagonal only ({@code T(T+1)/2} of the {@code T²} tile
 * products), and the upper triangle is mirrored from the lower one when {@code H} is read
 * ({@link #hessian()}, {@link #toFloatArray()}). The sums are the same; only the float32 rounding of
 * the products may differ from one full matmul.
 *
 * <p>{@code H} is an {@code [in, in]} float32 NDArray in this object's own manager; {@link #close()}
 * frees it. Layers that see the same input (q/k/v projections, gate/up) can share one instance:
 * SparseGPT's damped inverse factor is computed once and kept here until the next {@code add} or
 * {@code close}: {@code in²} more floats, or none after {@link #finish()}, when the factor replaces
 * {@code H} in place. Thread-safe.
 */
public final class HessianStatistics implements org.prune4j.internal.prune.InputStatistics {
    private final NDManager manager;
    private final int inFeatures;
    /** Tile width of the symmetric (lower-triangle) update. */
    static final int TILE = 1024;

    private final NDArray hessian;
    private long samples;
    /** True when only the lower tiles are current (the upper ones need mirroring before a read). */
    private boolean upperStale;
    /** SparseGPT's factor of the current H, with the settings it was made for; null when stale. */
    private InverseFactor factor;
    private double factorDamp;
    private InverseCholesky.Precision factorPrecision;
    /** After {@link #finish()}: no more input; the float32 factor may then replace H in place. */
    private boolean finished;
    /** True once H's storage holds SparseGPT's factor instead of H. */
    private boolean consumed;

    /** Empty statistics whose {@code H} lives in a sub-manager of {@code parent}. */
    public HessianStatistics(NDManager parent, int inFeatures) {
        if (inFeatures <= 0) {
            throw new IllegalArgumentException("inFeatures must be positive: " + inFeatures);
        }
        this.manager = parent.newSubManager();
        this.inFeatures = inFeatures;
        this.hessian = manager.zeros(new Shape(inFeatures, inFeatures), DataType.FLOAT32);
    }

    /** Adds one hook input of shape {@code [B, T, in]} or {@code [T, in]} (any float dtype). */
    public void add(NDArray input) {
        int b = batchSize(input, inFeatures);
        synchronized (this) {
            if (finished) {
                throw new IllegalStateException("add after finish(): the statistics are closed for input");
            }
        }
        NDArray f = input.getDataType() == DataType.FLOAT32 ? null : input.toType(DataType.FLOAT32, true);
        try (NDArray x = (f == null ? input : f).reshape(-1, inFeatures)) {
            synchronized (this) {
                dropFactor();
                if (samples > 0) {
                    hessian.muli((float) ((double) samples / (samples + b)));
                }
                samples += b;
                // (2/n) xᵀx: the scale goes on the (small) product, not on a copy of the input
                float scale = (float) (2.0 / samples);
                if (inFeatures <= TILE) {
                    try (NDArray xt = x.transpose();
                            NDArray g = xt.matMul(x)) {
                        hessian.addi(g.muli(scale));
                    }
                } else {
                    addLowerTiles(x, scale);
                }
            }
        } finally {
            if (f != null) {
                f.close();
            }
        }
    }

    /** H[a, b] += scale · x[:, a]ᵀ · x[:, b] for the tiles a >= b. */
    private void addLowerTiles(NDArray xs, float scale) {
        for (int a0 = 0; a0 < inFeatures; a0 += TILE) {
            int a1 = Math.min(inFeatures, a0 + TILE);
            try (NDArray xa = xs.get(new NDIndex(":, " + a0 + ":" + a1));
                    NDArray xat = xa.transpose()) {
                for (int b0 = 0; b0 <= a0; b0 += TILE) {
                    int b1 = Math.min(inFeatures, b0 + TILE);
                    try (NDArray xb = xs.get(new NDIndex(":, " + b0 + ":" + b1));
                            NDArray g = xat.matMul(xb);
                            NDArray target = hessian.get(new NDIndex(a0 + ":" + a1 + ", " + b0 + ":" + b1))) {
                        target.addi(g.muli(scale));
                    }
                }
            }
        }
        upperStale = true;
    }

    /**
     * SparseGPT's damped inverse factor of the current {@code H}, computed on first use and kept (in
     * this object's manager) until the next {@link #add} or {@link #close()}, so that layers sharing
     * these statistics factor {@code H} once.
     */
    synchronized InverseFactor inverseFactor(double percDamp, InverseCholesky.Precision precision) {
        if (factor == null || factorDamp != percDamp || factorPrecision != precision) {
            if (consumed) {
                throw new IllegalStateException("H was replaced by SparseGPT's factor for percdamp " + factorDamp + ", "
                        + factorPrecision + "; cannot factor it again for percdamp " + percDamp + ", " + precision);
            }
            dropFactor();
            mirror();
            if (finished && precision == InverseCholesky.Precision.FLOAT32) {
                factor = InverseFactor.inPlace(hessian, percDamp);
                consumed = true;
            } else {
                factor = InverseFactor.of(hessian, percDamp, precision, manager);
            }
            factorDamp = percDamp;
            factorPrecision = precision;
        }
        return factor;
    }

    /**
     * Declares the calibration finished: further {@link #add} calls fail, and SparseGPT (float32
     * factor, the default) then computes its factor in the storage of {@code H}, saving
     * {@code in²} floats. After that first pruning, {@link #hessian()} is no longer available (the
     * factor is reused by every layer sharing these statistics). Call it when the statistics will
     * only be used for pruning.
     */
    public synchronized void finish() {
        finished = true;
    }

    private void dropFactor() {
        if (factor != null && !consumed) {
            factor.u().close();
        }
        factor = null;
    }

    /** Copies the lower tiles onto the upper ones (H[b, a] = H[a, b]ᵀ) when they are stale. */
    private void mirror() {
        if (!upperStale) {
            return;
        }
        for (int a0 = TILE; a0 < inFeatures; a0 += TILE) {
            int a1 = Math.min(inFeatures, a0 + TILE);
            for (int b0 = 0; b0 < a0; b0 += TILE) {
                int b1 = Math.min(inFeatures, b0 + TILE);
                try (NDArray lower = hessian.get(new NDIndex(a0 + ":" + a1 + ", " + b0 + ":" + b1));
                        NDArray t = lower.transpose()) {
                    hessian.set(new NDIndex(b0 + ":" + b1 + ", " + a0 + ":" + a1), t);
                }
            }
        }
        upperStale = false;
    }

    /** The batch size of a hook input: {@code shape[0]} for 3-D, 1 for 2-D. */
    static int batchSize(NDArray input, int inFeatures) {
        Shape s = input.getShape();
        if ((s.dimension() != 2 && s.dimension() != 3) || s.get(s.dimension() - 1) != inFeatures) {
            throw new IllegalArgumentException("expected an input [B, T, " + inFeatures + "] or [T, " + inFeatures
                    + "], got " + s);
        }
        return s.dimension() == 3 ? Math.toIntExact(s.get(0)) : 1;
    }

    /** Number of input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Number of samples (sequences) seen so far. */
    public synchronized long samples() {
        return samples;
    }

    /** The accumulated {@code [in, in]} float32 {@code H} (owned by this object; do not modify or close). */
    public synchronized NDArray hessian() {
        checkNotConsumed();
        mirror();
        return hessian;
    }

    /** A row-major copy of {@code H}. */
    public synchronized float[] toFloatArray() {
        checkNotConsumed();
        mirror();
        return hessian.toFloatArray();
    }

    private void checkNotConsumed() {
        if (consumed) {
            throw new IllegalStateException("H was replaced in place by SparseGPT's factor (after finish())");
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
