package org.prune4j.internal.prune.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.prune4j.internal.prune.InputStatistics;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.oneshot.Magnitude;

/** Magnitude pruning: the smallest {@code |W|} go, no data needed ({@link Magnitude}). */
public record MagnitudeMethod() implements SettingFreeMethod {
    /** The registry name. */
    public static final String NAME = "magnitude";

    /** From the settings a user gave (magnitude has none). */
    static MagnitudeMethod of(MethodOptions options) {
        return SettingFreeMethod.withoutSettings(options, new MagnitudeMethod());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsCalibration() {
        return false;
    }

    @Override
    public InputStatistics newStatistics(NDManager manager, int inFeatures) {
        throw new IllegalStateException("magnitude pruning reads no calibration data");
    }

    @Override
    public PruningOutcome prune(NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        return new PruningOutcome.Masked(Magnitude.mask(weight, pattern));
    }
}
