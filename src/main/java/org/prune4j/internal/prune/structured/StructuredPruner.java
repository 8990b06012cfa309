package org.prune4j.internal.prune.structured;

import java.io.PrintStream;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/**
 * Structured pruning of a loaded Llama-family model: runs the method of the settings, physically cuts
 * the chosen heads, key/value heads and neurons out of the blocks (in place), and gives the pruned model
 * as a checkpoint with the removed layers dropped.
 */
public final class StructuredPruner {
    private final StructuredSettings settings;
    private final PrintStream log;

    /** A pruner that prints progress lines to {@code log}. */
    public StructuredPruner(StructuredSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * Prunes {@code model} in place and returns what every layer kept (original numbering). Whole layers
     * that the plan removes stay in the model: {@link #checkpoint} drops them.
     *
     * @param calib calibration rows (may be null for magnitude-sp)
     */
    public StructuredPlan prune(LlamaModel model, CalibrationSet calib) {
        StructuredMethod m = settings.method();
        if (m.needsCalibration() && calib == null) {
            throw new UserError("--method " + m.cliName() + " needs calibration data: --calib FILE or --calib-ids FILE");
        }
        return m.removesWidth() ? new WidthPruning(settings, log).prune(model, calib)
                : new DepthPruning(settings, log).prune(model, calib);
    }

    /** The pruned model's current weights as a checkpoint, without the layers {@code plan} removes (the rest renumbered). */
    public static LlamaCheckpoint checkpoint(LlamaModel model, StructuredPlan plan) {
        LlamaCheckpoint all = model.toCheckpoint();
        return plan.removedLayers().length == 0 ? all : LayerRemoval.remove(all, plan);
    }
}
