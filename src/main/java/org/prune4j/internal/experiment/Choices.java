package org.prune4j.internal.experiment;

import java.util.List;
import java.util.Locale;
import org.prune4j.UserError;

/** Validation helpers for settings records: each failure is a one-line {@link UserError} naming the flag. */
final class Choices {
    private Choices() {}

    static String oneOf(String flag, String value, List<String> allowed) {
        String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new UserError(flag + " " + value + ": expected one of " + String.join(", ", allowed));
        }
        return v;
    }

    static void positive(String flag, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UserError(flag + " " + v + ": must be > 0");
        }
    }

    static void atLeast(String flag, long v, long min) {
        if (v < min) {
            throw new UserError(flag + " " + v + ": must be >= " + min);
        }
    }

    static void inRange(String flag, double v, double lo, double hi, boolean openLo, boolean openHi) {
        boolean ok = (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
        if (!ok) {
            throw new UserError(flag + " " + v + ": must be in " + (openLo ? "(" : "[") + lo + ", " + hi
                    + (openHi ? ")" : "]"));
        }
    }
}
