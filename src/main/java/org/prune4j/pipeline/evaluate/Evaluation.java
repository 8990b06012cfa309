package org.prune4j.pipeline.evaluate;

import org.prune4j.eval.Perplexity;
import org.prune4j.pipeline.load.WorkingModel;

/** The evaluation stage: perplexity of the working model as it is now, through the block runner. */
public final class Evaluation {
    private Evaluation() {}

    /** Scores {@code rows} on {@code model}. */
    public static ModelEvaluation run(WorkingModel model, EvaluationRows rows) {
        Perplexity.Result r = new Perplexity(model.frame()).evaluate(rows.rows(), model.blocks());
        return new ModelEvaluation(r.ppl(), r.tokens(), r.seconds());
    }
}
