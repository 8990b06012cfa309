package org.prune4j.internal.prune.structured;

import java.util.Locale;
import org.prune4j.UserError;

/**
 * LLM-Pruner's first-order Taylor importance of a unit, from each weight {@code W} and the gradient
 * {@code g = ∂L/∂W} of the calibration loss (summed over calibration batches):
 * <ul>
 *   <li>{@code element} (LLM-Pruner's {@code param_first}): {@code Σ |W·g|} over the unit's weights;</li>
 *   <li>{@code vector} ({@code vectorize}): {@code |Σ W·g|} over each of the unit's rows or columns,
 *       summed over the matrices of the unit (the first-order change of the loss when the slice is removed).</li>
 * </ul>
 */
public enum TaylorVariant {
    ELEMENT, VECTOR;

    /** {@code element} or {@code vector}. */
    public static TaylorVariant parse(String text) {
        for (TaylorVariant v : values()) {
            if (v.name().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new UserError("--taylor " + text + ": choose element or vector");
    }
}
