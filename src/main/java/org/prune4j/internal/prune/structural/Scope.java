package org.prune4j.internal.prune.structural;

import org.prune4j.UserError;

/**
 * Which channels compete: each group alone (LOCAL, every group loses the same fraction), all groups in one
 * ranking (GLOBAL), or the groups of the same structure in one ranking each (ISOMORPHIC, Fang et al. 2024).
 */
public enum Scope {
    LOCAL, GLOBAL, ISOMORPHIC;

    /** Parses {@code local|global|isomorphic}. */
    public static Scope parse(String s) {
        for (Scope v : values()) {
            if (v.name().equalsIgnoreCase(s)) {
                return v;
            }
        }
        throw new UserError("--scope " + s + ": expected local, global or isomorphic");
    }
}
