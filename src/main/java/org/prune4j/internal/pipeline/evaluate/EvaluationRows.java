package org.prune4j.internal.pipeline.evaluate;

import org.prune4j.UserError;
import org.prune4j.internal.eval.TokenWindows;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.pipeline.calibrate.Calibration;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.pipeline.load.SourceModel;

/**
 * The token rows a job scores, and where they came from.
 *
 * @param rows windows of equal length
 * @param description for reports ({@code 64 rows of 256 tokens from ...})
 */
public record EvaluationRows(int[][] rows, String description) {
    /** The rows {@code spec} names for {@code model}, or null when the job does not evaluate. */
    public static EvaluationRows of(EvaluationSpec spec, SourceModel model) {
        LlamaConfig c = model.checkpoint().config();
        int context = c.maxPositions();
        int[][] rows;
        String src;
        if (spec.ids() != null) {
            rows = CalibrationSet.fromIds(spec.ids().read(), spec.ids().toString(), c.vocabSize(), context).firstRows(spec.maxWindows());
            src = spec.ids().toString();
        } else if (spec.text() != null) {
            int seqLen = spec.seqLen() > 0 ? spec.seqLen() : context;
            if (seqLen > context) {
                throw new UserError("--eval-seqlen " + seqLen + ": longer than the model's context of " + context);
            }
            int[] stream = model.tokenizer().encode(Calibration.readText(spec.text()), true, false);
            rows = TokenWindows.split(stream, seqLen, spec.maxWindows());
            src = spec.text().toString();
        } else if (BundledModels.isBundled(model.spec().model())) {
            String name = model.spec().model();
            IdsFileSpec ids = new IdsFileSpec(BundledModels.protocol(name), "eval_ids");
            rows = CalibrationSet.fromIds(ids.read(), name + " protocol eval_ids", c.vocabSize(), context).firstRows(spec.maxWindows());
            src = name + " protocol eval_ids";
        } else {
            return null;
        }
        return new EvaluationRows(rows, rows.length + " rows of " + rows[0].length + " tokens from " + src);
    }
}
