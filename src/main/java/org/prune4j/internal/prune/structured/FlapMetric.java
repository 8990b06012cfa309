package org.prune4j.internal.prune.structured;

import java.util.Locale;
import org.prune4j.UserError;

/**
 * FLAP's importance metrics of an input channel {@code j} of {@code o_proj}/{@code down_proj} (weight W):
 * <ul>
 *   <li>{@code IFV}: the fluctuation of the input, {@code fluc_j};</li>
 *   <li>{@code WIFV} (default): {@code fluc_j · Σ_i W_ij²};</li>
 *   <li>{@code WIFN}: {@code mean_i |W_ij| · sqrt(Σ x_j² / N)} (Wanda-sp's score).</li>
 * </ul>
 * As in FLAP, the {@code o_proj} value is squared before heads are scored.
 */
public enum FlapMetric {
    IFV, WIFV, WIFN;

    /** {@code IFV}, {@code WIFV} or {@code WIFN} (any case). */
    public static FlapMetric parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--metric " + text + ": unknown FLAP metric (choose IFV, WIFV or WIFN)");
        }
    }
}
