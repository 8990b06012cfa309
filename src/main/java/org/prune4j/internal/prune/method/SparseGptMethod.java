package org.prune4j.internal.prune.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.prune.InputStatistics;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.linalg.InverseCholesky;
import org.prune4j.internal.prune.oneshot.HessianStatistics;
import org.prune4j.internal.prune.oneshot.SparseGpt;
import org.prune4j.internal.prune.oneshot.SparseGptConfig;

/**
 * SparseGPT: Optimal Brain Surgeon updates from the layer Hessian (Frantar &amp; Alistarh 2023;
 * {@link SparseGpt}).
 *
 * @param config block size, dampening and factorisation precision
 */
public record SparseGptMethod(SparseGptConfig config) implements PruningMethod {
    /** The registry name. */
    public static final String NAME = "sparsegpt";
    /** Setting names on the command line and in recipes. */
    public static final String BLOCKSIZE = "blocksize";
    public static final String PERCDAMP = "percdamp";
    public static final String PRECISION = "precision";

    /** SparseGPT with the {@link SparseGptConfig#SHIPPED shipped} settings. */
    public SparseGptMethod() {
        this(SparseGptConfig.SHIPPED);
    }

    /** From the settings a user gave: {@code blocksize}, {@code percdamp}, {@code precision} (float32/float64). */
    static SparseGptMethod of(MethodOptions options) {
        options.allowOnly(Set.of(BLOCKSIZE, PERCDAMP, PRECISION));
        SparseGptConfig d = SparseGptConfig.SHIPPED;
        String precision = options.stringValue(PRECISION, d.precision().name()).toUpperCase(Locale.ROOT);
        InverseCholesky.Precision p;
        try {
            p = InverseCholesky.Precision.valueOf(precision);
        } catch (IllegalArgumentException e) {
            throw new UserError("sparsegpt setting precision: expected float32 or float64, got '" + precision + "'");
        }
        return new SparseGptMethod(new SparseGptConfig(options.intValue(BLOCKSIZE, d.blockSize()),
                options.doubleValue(PERCDAMP, d.percDamp()), p));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(BLOCKSIZE, config.blockSize());
        m.put(PERCDAMP, config.percDamp());
        m.put(PRECISION, config.precision().name().toLowerCase(Locale.ROOT));
        return m;
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public InputStatistics newStatistics(NDManager manager, int inFeatures) {
        return new HessianStatistics(manager, inFeatures);
    }

    @Override
    public PruningOutcome prune(NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        SparseGpt.Result r = config.algorithm().prune(weight, (HessianStatistics) statistics, pattern);
        return new PruningOutcome.Reconstructed(r.mask(), r::weight);
    }
}
