package org.prune4j.internal.prune.onnx;

import java.util.Locale;
import org.prune4j.UserError;

/** Local: every group loses the same fraction of its units. Global: one ranking of normalised scores over all groups. */
public enum PruneScope {
    LOCAL, GLOBAL;

    /** Parses {@code local|global}. */
    public static PruneScope parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--scope: unknown scope '" + s + "' (expected local or global)");
        }
    }
}
