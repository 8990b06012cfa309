package org.prune4j.internal.prune.onnx;

import java.util.Locale;
import org.prune4j.UserError;

/**
 * How the per-tensor scores of a group combine for {@code l1}/{@code l2}.
 * <ul>
 *   <li>{@code normalised} (default): each tensor slice's per-unit score (‖w‖₁ or ‖w‖₂) divided by its mean over
 *       the units, summed over the slices, so tensors of different scales weigh alike;</li>
 *   <li>{@code sum}: Σ|w| (or Σw²) over every weight and bias slice of the group, without normalisation and
 *       without BatchNormalization's running statistics — the ranking {@code prune4j prune --arch} computes with
 *       {@code --method l1|l2} (any {@code --reduction}, {@code --normalizer}) inside one group, so both sides
 *       remove the same channels under {@code --scope local}.</li>
 * </ul>
 */
public enum GroupScore {
    NORMALISED, SUM;

    /** Parses {@code normalised|sum}. */
    public static GroupScore parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--group-score: unknown value '" + s + "' (expected normalised or sum)");
        }
    }
}
