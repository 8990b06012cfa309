package org.prune4j.internal.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.api.AllocationSettings;
import org.prune4j.api.CalibrationSettings;
import org.prune4j.api.EvaluationSettings;
import org.prune4j.api.MethodSettings;
import org.prune4j.api.ModelSettings;
import org.prune4j.api.OutputSettings;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecoverySettings;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.pipeline.prune.AllocationKind;
import org.prune4j.internal.prune.method.MethodOptions;
import org.prune4j.internal.prune.method.PruningMethods;
import org.prune4j.internal.prune.method.SparseGptMethod;
import org.prune4j.internal.prune.structured.StructuredMethod;

/**
 * The recipe of a {@code prune4j prune} command line. Paths become absolute, so the recipe (printed, or
 * embedded in the report) replays from any directory; settings that belong to another method or allocation
 * than the chosen one are left out, as the job never read them. Errors name the flag, not the recipe key.
 */
final class PruneFlagsRecipe {
    private static final Map<String, String> FLAG_OF_KEY = new LinkedHashMap<>();

    static {
        FLAG_OF_KEY.put("model.path", "--model");
        FLAG_OF_KEY.put("model.tokenizer", "--tokenizer");
        FLAG_OF_KEY.put("method.name", "--method");
        FLAG_OF_KEY.put("method.sparsity", "--sparsity");
        FLAG_OF_KEY.put("method.ratio", "--ratio");
        FLAG_OF_KEY.put("method.layers", "--layers");
        FLAG_OF_KEY.put("method.units", "--units");
        FLAG_OF_KEY.put("method.allocation", "--allocation");
        FLAG_OF_KEY.put("method.round_to", "--round-to");
        FLAG_OF_KEY.put("method.metric", "--metric");
        FLAG_OF_KEY.put("method.bias_compensation", "--bias-compensation");
        FLAG_OF_KEY.put("method.taylor", "--taylor");
        FLAG_OF_KEY.put("method.blocksize", "--blocksize");
        FLAG_OF_KEY.put("method.percdamp", "--percdamp");
        FLAG_OF_KEY.put("allocation.name", "--allocation");
        FLAG_OF_KEY.put("calibration.nsamples", "--nsamples");
        FLAG_OF_KEY.put("calibration.seqlen", "--seqlen");
        FLAG_OF_KEY.put("calibration.batch", "--batch");
        FLAG_OF_KEY.put("evaluation.seqlen", "--eval-seqlen");
        FLAG_OF_KEY.put("evaluation.max_windows", "--max-eval-windows");
        FLAG_OF_KEY.put("output.format", "--format");
    }

    private PruneFlagsRecipe() {}

    static Recipe of(PruneCommand c, MethodOptions options) {
        try {
            return build(c, options);
        } catch (UserError e) {
            String message = e.getMessage();
            for (Map.Entry<String, String> k : FLAG_OF_KEY.entrySet()) {
                message = message.replace(k.getKey(), k.getValue());
            }
            throw new UserError(message, e);
        }
    }

    private static Recipe build(PruneCommand c, MethodOptions options) {
        boolean structured = StructuredMethod.byName(c.method) != null;
        String method = structured ? c.method : PruningMethods.byName(c.method).name();
        String allocationName = c.allocation == null || structured ? "uniform" : c.allocation;
        AllocationKind allocation = AllocationKind.parse(allocationName);
        Map<String, Object> methodSettings = structured ? StructuredPruneLauncher.settings(c) : new LinkedHashMap<>(options.values());
        boolean owl = allocation == AllocationKind.OWL;
        String model = BundledModels.isBundled(c.model) ? c.model : absolute(Path.of(c.model));
        return new Recipe(
                new ModelSettings(model, c.tokenizer == null ? null : absolute(c.tokenizer), null),
                new CalibrationSettings(c.calibration == null || c.calibration.text == null ? null : absolute(c.calibration.text),
                        c.calibration == null ? null : absoluteIds(c.calibration.ids), c.nsamples, c.seqLen, c.seed, c.batch),
                new MethodSettings(method, structured ? null : c.sparsity, methodSettings),
                new AllocationSettings(allocationName, owl ? c.owlM : null, owl ? c.owlLambda : null,
                        allocation == AllocationKind.GLOBAL ? c.minDensity : null),
                RecoverySettings.none(),
                new EvaluationSettings(c.evaluation == null || c.evaluation.text == null ? null : absolute(c.evaluation.text),
                        c.evaluation == null ? null : absoluteIds(c.evaluation.ids), c.evalSeqLen, c.maxEvalWindows),
                new OutputSettings(c.out == null ? null : absolute(c.out), c.format));
    }

    static String absolute(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    static String absoluteIds(String spec) {
        if (spec == null) {
            return null;
        }
        IdsFileSpec ids = IdsFileSpec.parse(spec);
        return new IdsFileSpec(ids.file().toAbsolutePath().normalize(), ids.tensor()).toString();
    }
}
