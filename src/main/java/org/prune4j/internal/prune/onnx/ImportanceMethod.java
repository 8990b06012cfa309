package org.prune4j.internal.prune.onnx;

import java.util.Locale;
import org.prune4j.UserError;

/** How units are scored: weight magnitude (L1, L2), activation-aware (Wanda-style) or random. */
public enum ImportanceMethod {
    L1, L2, ACTIVATION, RANDOM;

    /** Parses {@code l1|l2|activation|random}. */
    public static ImportanceMethod parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--method: unknown method '" + s + "' (expected l1, l2, activation or random)");
        }
    }

    /** The lower-case name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
