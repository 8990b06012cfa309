package org.prune4j.internal.pipeline.evaluate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Dense-model evaluations shared by the jobs of one run (the demo prunes one model six ways): the dense
 * figure of a model on given rows is measured once and reused.
 */
public final class DenseBaselines {
    private final Map<String, ModelEvaluation> byKey = new ConcurrentHashMap<>();

    /** The evaluation stored for {@code model} on {@code rows}, measured by {@code measure} the first time. */
    public ModelEvaluation get(String model, EvaluationRows rows, Supplier<ModelEvaluation> measure) {
        String key = model + "\u0000" + rows.description() + "\u0000" + java.util.Arrays.deepHashCode(rows.rows());
        ModelEvaluation e = byKey.get(key);
        if (e == null) {
            e = measure.get();
            byKey.put(key, e);
        }
        return e;
    }
}
