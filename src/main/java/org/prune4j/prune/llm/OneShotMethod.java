package org.prune4j.prune.llm;

import java.util.Locale;
import org.prune4j.UserError;

/** The one-shot criteria the LLM pipeline can drive. */
public enum OneShotMethod {
    /** |W|, no data (Han et al. 2015; wanda's {@code prune_magnitude}). */
    MAGNITUDE(false),
    /** |W|·‖X‖₂ per output row (Sun et al. 2023). */
    WANDA(true),
    /** Optimal Brain Surgeon updates with the layer Hessian (Frantar &amp; Alistarh 2023). */
    SPARSEGPT(true),
    /** DSnoT mask refinement on top of a Wanda or magnitude mask (Zhang et al. 2024). */
    DSNOT(true);

    private final boolean needsCalibration;

    OneShotMethod(boolean needsCalibration) {
        this.needsCalibration = needsCalibration;
    }

    /** True when the method reads calibration activations. */
    public boolean needsCalibration() {
        return needsCalibration;
    }

    /** The command-line name. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code magnitude|wanda|sparsegpt}. */
    public static OneShotMethod parse(String s) {
        for (OneShotMethod m : values()) {
            if (m.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UserError("--method " + s + ": unknown method (magnitude, wanda, sparsegpt, dsnot)");
    }
}
