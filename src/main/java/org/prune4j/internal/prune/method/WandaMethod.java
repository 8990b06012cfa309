package org.prune4j.internal.prune.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.prune4j.internal.prune.InputStatistics;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.oneshot.Wanda;
import org.prune4j.internal.prune.oneshot.WandaStatistics;

/** Wanda: {@code |W|·‖X‖₂} compared within each output row (Sun et al. 2023; {@link Wanda}). */
public record WandaMethod() implements SettingFreeMethod {
    /** The registry name. */
    public static final String NAME = "wanda";

    /** From the settings a user gave (Wanda has none). */
    static WandaMethod of(MethodOptions options) {
        return SettingFreeMethod.withoutSettings(options, new WandaMethod());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public InputStatistics newStatistics(NDManager manager, int inFeatures) {
        return new WandaStatistics(inFeatures);
    }

    @Override
    public PruningOutcome prune(NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        return new PruningOutcome.Masked(Wanda.mask(weight, (WandaStatistics) statistics, pattern));
    }
}
