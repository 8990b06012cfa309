package org.prune4j.prune.llm;

import org.prune4j.UserError;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.prune.oneshot.Dsnot;
import org.prune4j.prune.oneshot.SparseGpt;

/**
 * Every setting of a one-shot LLM pruning run.
 *
 * @param method magnitude, wanda or sparsegpt
 * @param pattern unstructured sparsity or N:M
 * @param allocation how the sparsity is spread over matrices
 * @param owlM OWL's outlier threshold: a metric value is an outlier when above {@code owlM} × the block mean
 * @param owlLambda OWL's λ: block sparsities span at most ±λ around the target
 * @param minDensity global allocation: no matrix keeps less than this fraction of its weights
 * @param nsamples calibration windows drawn from a text
 * @param seqLen tokens per calibration window ({@code 0}: the model's context length)
 * @param seed seed of the calibration window positions
 * @param blockSize SparseGPT's column block width
 * @param percDamp SparseGPT's dampening, as a fraction of the mean Hessian diagonal
 * @param batchSize calibration sequences per forward pass ({@code 0}: automatic, memory-bounded)
 * @param dsnot DSnoT's settings (read when the method is DSnoT)
 */
public record LlmPruneSettings(
        OneShotMethod method,
        SparsityPattern pattern,
        AllocationKind allocation,
        double owlM,
        double owlLambda,
        double minDensity,
        int nsamples,
        int seqLen,
        long seed,
        int blockSize,
        double percDamp,
        int batchSize,
        Dsnot.Settings dsnot) {

    public LlmPruneSettings {
        if (allocation == AllocationKind.GLOBAL && method != OneShotMethod.MAGNITUDE) {
            throw new UserError("--allocation global ranks weights by magnitude across matrices; it works with "
                    + "--method magnitude only (use owl for " + method.cliName() + ")");
        }
        if (allocation == AllocationKind.OWL && method == OneShotMethod.MAGNITUDE) {
            throw new UserError("--allocation owl needs activation statistics; use it with wanda or sparsegpt");
        }
        if (allocation != AllocationKind.UNIFORM && !(pattern instanceof SparsityPattern.Unstructured)) {
            throw new UserError("--allocation " + allocation.cliName() + " varies the sparsity per matrix, which an "
                    + pattern + " pattern fixes; use --allocation uniform with N:M");
        }
        if (!(owlM > 0) || !(owlLambda >= 0) || owlLambda >= 0.5) {
            throw new UserError("--owl-m must be > 0 and --owl-lambda in [0, 0.5) (got " + owlM + ", " + owlLambda + ")");
        }
        if (!(minDensity >= 0) || minDensity >= 1) {
            throw new UserError("--min-density must be in [0, 1) (got " + minDensity + ")");
        }
        if (nsamples <= 0) {
            throw new UserError("--nsamples must be positive (got " + nsamples + ")");
        }
        if (seqLen < 0 || seqLen == 1) {
            throw new UserError("--seqlen must be at least 2 (got " + seqLen + ")");
        }
        if (blockSize <= 0 || !(percDamp > 0)) {
            throw new UserError("--blocksize and --percdamp must be positive (got " + blockSize + ", " + percDamp + ")");
        }
        if (batchSize < 0) {
            throw new UserError("--batch must be positive (got " + batchSize + ")");
        }
    }

    /** The defaults of the reference implementations for {@code method} and {@code pattern}. */
    public static LlmPruneSettings defaults(OneShotMethod method, SparsityPattern pattern) {
        return new LlmPruneSettings(method, pattern, AllocationKind.UNIFORM, 5, 0.08, 0, 128, 0, 0,
                SparseGpt.DEFAULT_BLOCK_SIZE, SparseGpt.DEFAULT_PERC_DAMP, 0,
                Dsnot.Settings.defaults(Dsnot.InitialMask.WANDA));
    }

    /** These settings with another allocation. */
    public LlmPruneSettings withAllocation(AllocationKind a) {
        return new LlmPruneSettings(method, pattern, a, owlM, owlLambda, minDensity, nsamples, seqLen, seed, blockSize,
                percDamp, batchSize, dsnot);
    }

    /** These settings with DSnoT's. */
    public LlmPruneSettings withDsnot(Dsnot.Settings d) {
        return new LlmPruneSettings(method, pattern, allocation, owlM, owlLambda, minDensity, nsamples, seqLen, seed,
                blockSize, percDamp, batchSize, d);
    }
}
