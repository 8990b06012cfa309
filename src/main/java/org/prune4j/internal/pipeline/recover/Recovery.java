package org.prune4j.internal.pipeline.recover;

import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.load.WorkingModel;

/**
 * The recovery stage, between pruning and evaluation: restores some of what pruning lost (e.g. LoRA or
 * masked fine-tuning), keeping the pruned entries at zero. A job without recovery uses {@link #none()}.
 */
public interface Recovery {
    /** The name used in reports and recipes ({@code none}). */
    String name();

    /**
     * Changes the weights of {@code model} (already pruned) in place; {@code calibration} is the job's
     * calibration data (null for data-free methods).
     */
    void recover(WorkingModel model, CalibrationSet calibration);

    /** No recovery: the pruned model is evaluated and saved as pruning left it. */
    static Recovery none() {
        return NoRecovery.INSTANCE;
    }
}
