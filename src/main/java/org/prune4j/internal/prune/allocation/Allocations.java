package org.prune4j.internal.prune.allocation;

import java.util.Map;
import org.prune4j.UserError;

/** Argument checks shared by the allocations. */
final class Allocations {
    private Allocations() {
    }

    static void checkTarget(double target) {
        if (!(target >= 0 && target < 1)) {
            throw new UserError("--sparsity " + target + ": must be in [0, 1)");
        }
    }

    static <V> void putUnique(Map<String, V> map, String name, V value) {
        if (map.put(name, value) != null) {
            throw new IllegalArgumentException("tensor " + name + " is listed twice");
        }
    }

    /** The scores of a tensor, checked against its shape. */
    static float[] scores(PrunableTensor t) {
        float[] s = t.scores().get();
        if (s == null || s.length != t.numel()) {
            throw new IllegalArgumentException("scores of " + t.name() + " have " + (s == null ? "no" : s.length)
                    + " entries, the tensor " + t.numel());
        }
        return s;
    }
}
