package org.prune4j.internal.pipeline.calibrate;

import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.io.IdsFileSpec;

/**
 * Where a job's calibration data comes from and how it is cut. With neither {@code text} nor {@code ids},
 * a bundled model's pinned protocol ids are used.
 *
 * @param text {@code --calib}: a text, tokenized once, windows drawn at random positions; or null
 * @param ids {@code --calib-ids}: rows of ids used as given; or null
 * @param nsamples windows drawn from {@code text}
 * @param seqLen tokens per window ({@code 0}: the model's context)
 * @param seed seed of the window positions
 * @param batchSize sequences per forward pass ({@code 0}: automatic, memory-bounded)
 */
public record CalibrationSpec(Path text, IdsFileSpec ids, int nsamples, int seqLen, long seed, int batchSize) {
    /** The reference implementations' defaults: 128 windows of the model's context, seed 0, automatic batch. */
    public static final CalibrationSpec DEFAULT = new CalibrationSpec(null, null, 128, 0, 0, 0);

    public CalibrationSpec {
        if (text != null && ids != null) {
            throw new UserError("--calib and --calib-ids are exclusive; give one");
        }
        if (nsamples <= 0) {
            throw new UserError("--nsamples must be positive (got " + nsamples + ")");
        }
        if (seqLen < 0 || seqLen == 1) {
            throw new UserError("--seqlen must be at least 2 (got " + seqLen + ")");
        }
        if (batchSize < 0) {
            throw new UserError("--batch must be positive (got " + batchSize + ")");
        }
    }

    /** These settings with another batch size. */
    public CalibrationSpec withBatchSize(int rows) {
        return new CalibrationSpec(text, ids, nsamples, seqLen, seed, rows);
    }
}
