package org.prune4j.internal.prune.structural;

import java.util.List;
import org.prune4j.UserError;

/** How the per-member channel scores of a group combine into the group's score (Torch-Pruning's group_reduction). */
public enum GroupReduction {
    MEAN, SUM, MAX;

    /** Parses {@code mean|sum|max}. */
    public static GroupReduction parse(String s) {
        for (GroupReduction r : values()) {
            if (r.name().equalsIgnoreCase(s)) {
                return r;
            }
        }
        throw new UserError("--reduction " + s + ": expected mean, sum or max");
    }

    /** Combines per-member score vectors of equal length. */
    double[] reduce(List<double[]> perMember) {
        int n = perMember.get(0).length;
        double[] out = new double[n];
        for (int c = 0; c < n; c++) {
            double acc = this == MAX ? Double.NEGATIVE_INFINITY : 0;
            for (double[] m : perMember) {
                acc = this == MAX ? Math.max(acc, m[c]) : acc + m[c];
            }
            out[c] = this == MEAN ? acc / perMember.size() : acc;
        }
        return out;
    }
}
