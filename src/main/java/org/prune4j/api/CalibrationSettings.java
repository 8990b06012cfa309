package org.prune4j.api;

import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * Where the calibration activations come from (recipe section {@code calibration}). With neither
 * {@code text} nor {@code ids}, a bundled model uses its pinned protocol's calibration ids.
 *
 * @param text a UTF-8 text: tokenized once (BOS first); {@code nsamples} windows of {@code seqlen}
 *     tokens start at positions drawn with {@code seed}; or {@code null}
 * @param ids id rows {@code FILE.safetensors[:TENSOR]} ({@code [rows, seqlen]} integers, used as given),
 *     or {@code null}
 * @param nsamples calibration windows drawn from {@code text} (default 128)
 * @param seqlen tokens per window drawn from {@code text}; {@code 0}: the model's context (default)
 * @param seed seed of the window positions (default 0)
 * @param batch calibration sequences per forward pass; {@code 0}: automatic, about 256 MiB of
 *     activations (default)
 */
public record CalibrationSettings(String text, String ids, int nsamples, int seqlen, long seed, int batch) {
    /** Checks the values; errors name the recipe key. */
    public CalibrationSettings {
        if (text != null && ids != null) {
            throw new UserError("calibration: give text or ids, not both");
        }
        if (nsamples <= 0) {
            throw new UserError("calibration.nsamples: must be positive (got " + nsamples + ")");
        }
        if (seqlen < 0 || seqlen == 1) {
            throw new UserError("calibration.seqlen: must be 0 (the model's context) or at least 2 (got " + seqlen + ")");
        }
        if (batch < 0) {
            throw new UserError("calibration.batch: must be 0 (automatic) or positive (got " + batch + ")");
        }
    }

    /** The bundled model's pinned protocol (calibration ids), automatic batch. */
    public static CalibrationSettings protocol() {
        return new CalibrationSettings(null, null, JobSettings.defaultNsamples(), 0, 0, 0);
    }

    /** {@code nsamples} windows of the model's context length drawn from {@code text} with seed 0. */
    public static CalibrationSettings text(Path text, int nsamples) {
        return new CalibrationSettings(text.toString(), null, nsamples, 0, 0, 0);
    }

    /** The rows of an integer tensor, {@code FILE.safetensors[:TENSOR]}. */
    public static CalibrationSettings ids(String ids) {
        return new CalibrationSettings(null, ids, JobSettings.defaultNsamples(), 0, 0, 0);
    }

    /** These settings with windows of {@code seqlen} tokens. */
    public CalibrationSettings withSeqlen(int seqlen) {
        return new CalibrationSettings(text, ids, nsamples, seqlen, seed, batch);
    }

    /** These settings with another seed for the window positions. */
    public CalibrationSettings withSeed(long seed) {
        return new CalibrationSettings(text, ids, nsamples, seqlen, seed, batch);
    }

    /** These settings with {@code batch} sequences per forward pass. */
    public CalibrationSettings withBatch(int batch) {
        return new CalibrationSettings(text, ids, nsamples, seqlen, seed, batch);
    }
}
