package org.prune4j.internal.prune.structured;

import java.util.Locale;
import org.prune4j.UserError;

/** How removed heads and neurons are spread over the layers. */
public enum WidthAllocation {
    /**
     * The same fraction in every layer (FLAP's UL-UM; Wanda-sp's and magnitude-sp's only rule): sort a
     * layer's unit scores ascending, {@code threshold = sorted[int(p·n)]}, keep the units scoring at least
     * the threshold.
     */
    UNIFORM,
    /**
     * Adaptive across layers and modules (FLAP's AL-AM): per-layer standardised scores ranked globally,
     * each unit weighted by its parameter count, cut where the kept weight is closest to {@code 1 − p}.
     */
    ADAPTIVE;

    /** The name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code uniform} or {@code adaptive}. */
    public static WidthAllocation parse(String text) {
        for (WidthAllocation a : values()) {
            if (a.cliName().equals(text.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new UserError("--allocation " + text + ": structured methods take uniform or adaptive");
    }
}
