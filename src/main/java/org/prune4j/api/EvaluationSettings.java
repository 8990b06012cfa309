package org.prune4j.api;

import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * What perplexity is measured on before and after pruning (recipe section {@code evaluation}). With
 * neither {@code text} nor {@code ids}, a bundled model is evaluated on its pinned protocol's evaluation ids
 * and any other model is not evaluated by a pruning run.
 *
 * @param text a UTF-8 text: tokenized once (BOS first), cut into non-overlapping windows of
 *     {@code seqlen} tokens, the remainder dropped; or {@code null}
 * @param ids id rows {@code FILE.safetensors[:TENSOR]} ({@code [rows, seqlen]}), each scored on its
 *     own; or {@code null}
 * @param seqlen window length for {@code text}; {@code 0}: the model's context (default)
 * @param maxWindows at most this many windows or rows; {@code 0}: all (default; recipe key
 *     {@code max_windows})
 */
public record EvaluationSettings(String text, String ids, int seqlen, int maxWindows) {
    /** Checks the values; errors name the recipe key. */
    public EvaluationSettings {
        if (text != null && ids != null) {
            throw new UserError("evaluation: give text or ids, not both");
        }
        if (seqlen < 0 || seqlen == 1) {
            throw new UserError("evaluation.seqlen: must be 0 (the model's context) or at least 2 (got " + seqlen + ")");
        }
        if (maxWindows < 0) {
            throw new UserError("evaluation.max_windows: must be 0 (all) or positive (got " + maxWindows + ")");
        }
    }

    /** The bundled model's pinned protocol (evaluation ids). */
    public static EvaluationSettings protocol() {
        return new EvaluationSettings(null, null, 0, 0);
    }

    /** Windows of the model's context length over {@code text}. */
    public static EvaluationSettings text(Path text) {
        return new EvaluationSettings(text.toString(), null, 0, 0);
    }

    /** The rows of an integer tensor, {@code FILE.safetensors[:TENSOR]}. */
    public static EvaluationSettings ids(String ids) {
        return new EvaluationSettings(null, ids, 0, 0);
    }

    /** These settings with windows of {@code seqlen} tokens. */
    public EvaluationSettings withSeqlen(int seqlen) {
        return new EvaluationSettings(text, ids, seqlen, maxWindows);
    }

    /** These settings scoring at most {@code maxWindows} windows. */
    public EvaluationSettings withMaxWindows(int maxWindows) {
        return new EvaluationSettings(text, ids, seqlen, maxWindows);
    }
}
