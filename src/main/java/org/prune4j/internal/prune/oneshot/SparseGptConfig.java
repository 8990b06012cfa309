package org.prune4j.internal.prune.oneshot;

import org.prune4j.UserError;
import org.prune4j.internal.prune.linalg.InverseCholesky;

/**
 * The settings of SparseGPT, one object shared by the command, the job, the model-level reference test
 * and the benchmarks.
 *
 * @param blockSize column block width (the reference's {@code blocksize})
 * @param percDamp dampening as a fraction of the mean Hessian diagonal (the reference's {@code percdamp})
 * @param precision of the inverse-Cholesky factorisation
 */
public record SparseGptConfig(int blockSize, double percDamp, InverseCholesky.Precision precision) {
    /**
     * What {@code prune4j prune --method sparsegpt} runs: the reference's block size and dampening, with a
     * float64 factorisation (no failure on nearly singular Hessians of large layers; it agrees with the
     * reference fixtures as closely as float32 does).
     */
    public static final SparseGptConfig SHIPPED = new SparseGptConfig(SparseGpt.DEFAULT_BLOCK_SIZE,
            SparseGpt.DEFAULT_PERC_DAMP, InverseCholesky.Precision.FLOAT64);

    public SparseGptConfig {
        if (blockSize <= 0 || !(percDamp > 0)) {
            throw new UserError("sparsegpt: blocksize and percdamp must be positive (got " + blockSize + ", " + percDamp + ")");
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision is required");
        }
    }

    /** The shipped settings with another block size and dampening. */
    public SparseGptConfig with(int newBlockSize, double newPercDamp) {
        return new SparseGptConfig(newBlockSize, newPercDamp, precision);
    }

    /** The algorithm with these settings. */
    public SparseGpt algorithm() {
        return new SparseGpt(blockSize, percDamp, precision);
    }
}
