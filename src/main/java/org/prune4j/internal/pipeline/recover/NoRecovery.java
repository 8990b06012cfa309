package org.prune4j.internal.pipeline.recover;

import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.load.WorkingModel;

/** The pruned model as pruning left it. */
final class NoRecovery implements Recovery {
    static final NoRecovery INSTANCE = new NoRecovery();

    private NoRecovery() {}

    @Override
    public String name() {
        return "none";
    }

    @Override
    public void recover(WorkingModel model, CalibrationSet calibration) {
        // nothing to restore: the job goes on with the pruned weights
    }
}
