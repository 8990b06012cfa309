package org.prune4j.internal.prune.structural;

import java.util.Arrays;
import org.prune4j.UserError;

/**
 * Makes group scores comparable across groups before a global ranking (Torch-Pruning's normalizers): by
 * the group's mean, by its max, or LAMP (Lee et al. 2021: each score divided by the sum of the scores not
 * smaller than it), or none.
 */
public enum Normalizer {
    NONE, MEAN, MAX, LAMP;

    /** Parses {@code none|mean|max|lamp}. */
    public static Normalizer parse(String s) {
        for (Normalizer n : values()) {
            if (n.name().equalsIgnoreCase(s)) {
                return n;
            }
        }
        throw new UserError("--normalizer " + s + ": expected none, mean, max or lamp");
    }

    double[] apply(double[] scores) {
        double[] out = scores.clone();
        switch (this) {
            case NONE -> { }
            case MEAN -> {
                double m = Arrays.stream(scores).average().orElse(1);
                for (int i = 0; i < out.length; i++) {
                    out[i] = scores[i] / (m + 1e-8);
                }
            }
            case MAX -> {
                double m = Arrays.stream(scores).max().orElse(1);
                for (int i = 0; i < out.length; i++) {
                    out[i] = scores[i] / (m + 1e-8);
                }
            }
            case LAMP -> {
                Integer[] order = new Integer[scores.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
                double suffix = 0;
                for (Integer i : order) {
                    suffix += scores[i];
                    out[i] = scores[i] / (suffix + 1e-8);
                }
            }
        }
        return out;
    }
}
