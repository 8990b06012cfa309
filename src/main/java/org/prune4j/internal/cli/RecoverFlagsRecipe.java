package org.prune4j.internal.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.api.EvaluationSettings;
import org.prune4j.api.MethodSettings;
import org.prune4j.api.ModelSettings;
import org.prune4j.api.OutputSettings;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecoverySettings;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.prune.recovery.RecoveryMethod;

/**
 * The recipe of a {@code prune4j recover} command line: the model is the pruned input, the method
 * {@code none} (nothing is pruned), the {@code recovery} section holds every training setting. Paths become
 * absolute; settings the method does not use (adapter settings of norms-biases, distillation settings of
 * other methods) are left out, as the job never reads them. Errors name the flag, not the recipe key.
 */
final class RecoverFlagsRecipe {
    private static final Map<String, String> FLAG_OF_KEY = new LinkedHashMap<>();

    static {
        FLAG_OF_KEY.put("recovery.train_text", "--train");
        FLAG_OF_KEY.put("recovery.train_ids", "--train-ids");
        FLAG_OF_KEY.put("recovery.hidden_mse", "--hidden-mse");
        FLAG_OF_KEY.put("recovery.min_lr_factor", "--min-lr-factor");
        FLAG_OF_KEY.put("recovery.weight_decay", "--weight-decay");
        FLAG_OF_KEY.put("recovery.eval_every", "--eval-every");
        FLAG_OF_KEY.put("recovery.val_fraction", "--val-fraction");
        FLAG_OF_KEY.put("recovery.keep_adapters", "--keep-adapters");
        FLAG_OF_KEY.put("recovery.track_ppl", "--track-ppl");
        FLAG_OF_KEY.put("recovery.", "--");
        FLAG_OF_KEY.put("evaluation.seqlen", "--eval-seqlen");
        FLAG_OF_KEY.put("evaluation.max_windows", "--max-eval-windows");
        FLAG_OF_KEY.put("model.path", "--model");
        FLAG_OF_KEY.put("model.tokenizer", "--tokenizer");
        FLAG_OF_KEY.put("output.path", "--out");
    }

    private RecoverFlagsRecipe() {}

    static Recipe of(RecoverCommand c) {
        try {
            return build(c);
        } catch (UserError e) {
            String message = e.getMessage();
            for (Map.Entry<String, String> k : FLAG_OF_KEY.entrySet()) {
                message = message.replace(k.getKey(), k.getValue());
            }
            throw new UserError(message, e);
        }
    }

    private static Recipe build(RecoverCommand c) {
        RecoveryMethod method = RecoveryMethod.parse("--method", c.method);
        boolean distill = method == RecoveryMethod.DISTILL;
        RecoveryMethod trained = distill ? RecoveryMethod.parse("--student", c.student) : method;
        boolean adapters = trained.usesAdapters();
        if (c.trackPpl && c.evaluation == null && !BundledModels.isBundled(c.model)) {
            throw new UserError("--track-ppl: needs evaluation data (--eval or --eval-ids)");
        }
        RecoverySettings r = new RecoverySettings(c.method, distill ? c.student : null,
                adapters ? java.util.Arrays.stream(c.targets.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList() : null,
                adapters ? c.rank : null, adapters ? Double.valueOf(Float.toString(c.alpha)) : null,
                adapters ? Double.valueOf(Float.toString(c.dropout)) : null, model(c.teacher),
                distill ? c.temperature : null, distill ? c.hiddenMse : null,
                c.training.text == null ? null : PruneFlagsRecipe.absolute(c.training.text),
                PruneFlagsRecipe.absoluteIds(c.training.ids), c.seqLen, c.steps, c.epochs, c.batch, c.accumulate, c.lr, c.warmup,
                c.minLrFactor, c.weightDecay, c.clip, c.seed, c.valFraction, c.evalEvery, c.patience, c.keepAdapters,
                c.checkpoint == null ? null : PruneFlagsRecipe.absolute(c.checkpoint), c.trackPpl);
        return new Recipe(new ModelSettings(model(c.model), c.tokenizer == null ? null : PruneFlagsRecipe.absolute(c.tokenizer), null),
                null, MethodSettings.none(), null, r,
                new EvaluationSettings(c.evaluation == null || c.evaluation.text == null ? null
                        : PruneFlagsRecipe.absolute(c.evaluation.text),
                        c.evaluation == null ? null : PruneFlagsRecipe.absoluteIds(c.evaluation.ids), c.evalSeqLen, c.maxEvalWindows),
                new OutputSettings(PruneFlagsRecipe.absolute(c.out), null));
    }

    private static String model(String m) {
        return m == null || BundledModels.isBundled(m) ? m : PruneFlagsRecipe.absolute(Path.of(m));
    }
}
