package org.prune4j.internal.prune.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.prune4j.internal.prune.InputStatistics;
import org.prune4j.internal.prune.SparsityPattern;

/**
 * A one-shot pruning method: what it needs to know about a layer's inputs, and how it turns a weight
 * matrix plus those statistics into a {@link PruningOutcome} (a mask, a mask with updated weights, or
 * removed units). A method holds only its settings; the pipeline owns the lifecycle (forward passes,
 * hooks, applying outcomes, saving), and the math lives in {@code org.prune4j.internal.prune.oneshot}.
 *
 * <p>Methods are found by name in {@link PruningMethods}; adding one is a new class and one
 * registration line there.
 */
public interface PruningMethod {
    /** The name used on the command line, in reports and recipes ({@code sparsegpt}). */
    String name();

    /** The method's settings by their command-line/recipe names (empty when it has none). */
    Map<String, Object> settings();

    /** True when the method reads calibration activations ({@link #newStatistics} is then used). */
    boolean needsCalibration();

    /**
     * A fresh accumulator of the input statistics this method needs for a layer with {@code inFeatures}
     * inputs; native arrays go in {@code manager}. Data-free methods throw {@link IllegalStateException}.
     */
    InputStatistics newStatistics(NDManager manager, int inFeatures);

    /**
     * Decides what to prune in {@code weight} ({@code [out, in]}, float32) to reach {@code pattern}, from
     * {@code statistics} (null for data-free methods). Must not modify {@code weight}.
     */
    PruningOutcome prune(NDArray weight, InputStatistics statistics, SparsityPattern pattern);

    /**
     * The same, knowing the matrix's path inside its decoder block ({@code mlp.up_proj}), for methods that
     * treat sub-layers differently (DSnoT skips {@code mlp} by default). The pipeline calls this one.
     */
    default PruningOutcome prune(String pathInBlock, NDArray weight, InputStatistics statistics, SparsityPattern pattern) {
        return prune(weight, statistics, pattern);
    }
}
