package org.prune4j.internal.pipeline.evaluate;

import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.IdsFileSpec;

/**
 * What a job evaluates on. With neither {@code text} nor {@code ids}, a bundled model's pinned protocol
 * ids are used, and other models are not evaluated.
 *
 * @param text {@code --eval}: a text cut into non-overlapping windows; or null
 * @param ids {@code --eval-ids}: rows of ids, each scored on its own; or null
 * @param seqLen window length for {@code text} ({@code 0}: the model's context)
 * @param maxWindows at most this many windows or rows ({@code 0}: all)
 */
public record EvaluationSpec(Path text, IdsFileSpec ids, int seqLen, int maxWindows) {
    /** The bundled protocol (or nothing) with every window. */
    public static final EvaluationSpec DEFAULT = new EvaluationSpec(null, null, 0, 0);

    public EvaluationSpec {
        if (text != null && ids != null) {
            throw new UserError("--eval and --eval-ids are exclusive; give one");
        }
        if (seqLen < 0 || maxWindows < 0) {
            throw new UserError("--eval-seqlen and --max-eval-windows must be ≥ 0 (got " + seqLen + ", " + maxWindows + ")");
        }
    }
}
