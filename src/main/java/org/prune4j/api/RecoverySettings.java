package org.prune4j.api;

import java.util.Locale;
import org.prune4j.UserError;

/**
 * How a pruned model recovers before it is evaluated (recipe section {@code recovery}). The slot is part
 * of the recipe so that recipes keep their shape when recovery arrives; today only {@code none} runs.
 *
 * @param method {@code none} (default)
 */
public record RecoverySettings(String method) {
    /** Checks the method; any other than {@code none} is not supported yet. */
    public RecoverySettings {
        if (method == null) {
            throw new UserError("recovery.method: missing (none)");
        }
        method = method.strip().toLowerCase(Locale.ROOT);
        if (!method.equals("none")) {
            throw new UserError("recovery.method " + method + ": not supported yet: recovery after pruning (use none)");
        }
    }

    /** No recovery. */
    public static RecoverySettings none() {
        return new RecoverySettings("none");
    }
}
