package org.prune4j.internal.pipeline.evaluate;

import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.pipeline.load.WorkingModel;

/** The evaluation stage: perplexity of the working model as it is now, through the block runner. */
public final class Evaluation {
    private Evaluation() {}

    /** Rows scored once, untimed, before the first measured evaluation of a run. */
    static final int WARM_UP_ROWS = 8;

    /**
     * Scores the first few rows once and drops the result, so that the first measured evaluation does not
     * pay for one-time costs (class loading, native kernel initialisation): without it the dense model,
     * always evaluated first, would look slower than the pruned one.
     */
    public static void warmUp(WorkingModel model, EvaluationRows rows) {
        int n = Math.min(WARM_UP_ROWS, rows.rows().length);
        new Perplexity(model.frame()).evaluate(java.util.Arrays.copyOf(rows.rows(), n), model.blocks());
    }

    /** Scores {@code rows} on {@code model}. */
    public static ModelEvaluation run(WorkingModel model, EvaluationRows rows) {
        Perplexity.Result r = new Perplexity(model.frame()).evaluate(rows.rows(), model.blocks());
        return new ModelEvaluation(r.ppl(), r.tokens(), r.seconds());
    }
}
