package org.prune4j.api;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.prune4j.UserError;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.ScratchDirectory;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.pipeline.report.ReportBuilder;
import org.prune4j.internal.prune.recovery.RecoveryJob;
import org.prune4j.internal.prune.recovery.RecoveryMethod;
import org.prune4j.api.report.RecoveryReport;
import org.prune4j.internal.train.lm.LmTrainingSettings;

/**
 * The recovery stage of a recipe: maps {@link RecoverySettings} to the settings of {@link RecoveryJob} (the
 * code {@code prune4j recover} runs) and runs it, on the recipe's model (method {@code none}) or after pruning
 * (the pruned model goes to a scratch folder beside the output, the recovered one to the output).
 */
final class RecoveryStage {
    private static final Map<String, String> KEY_OF_FLAG = new LinkedHashMap<>();

    static {
        for (String k : new String[] {"student", "targets", "rank", "alpha", "dropout", "temperature", "steps", "epochs",
            "batch", "accumulate", "lr", "warmup", "clip", "seqlen", "patience"}) {
            KEY_OF_FLAG.put("--" + k, "recovery." + k);
        }
        KEY_OF_FLAG.put("--hidden-mse", "recovery.hidden_mse");
        KEY_OF_FLAG.put("--min-lr-factor", "recovery.min_lr_factor");
        KEY_OF_FLAG.put("--weight-decay", "recovery.weight_decay");
        KEY_OF_FLAG.put("--eval-every", "recovery.eval_every");
        KEY_OF_FLAG.put("--method", "recovery.method");
        KEY_OF_FLAG.put("--train-ids", "recovery.train_ids");
        KEY_OF_FLAG.put("--train ", "recovery.train_text ");
        KEY_OF_FLAG.put("--teacher", "recovery.teacher");
        KEY_OF_FLAG.put("--keep-adapters", "recovery.keep_adapters");
        KEY_OF_FLAG.put("--checkpoint", "recovery.checkpoint");
        KEY_OF_FLAG.put("--track-ppl", "recovery.track_ppl");
    }

    private RecoveryStage() {}

    /** The job's settings; its errors name the recipe keys ({@code recovery.rank}) instead of the flags. */
    static org.prune4j.internal.prune.recovery.RecoverySettings settings(RecoverySettings r) {
        try {
            RecoveryMethod method = RecoveryMethod.parse("recovery.method", r.method());
            RecoveryMethod student = r.student() == null ? RecoveryMethod.MASKED_LORA
                    : RecoveryMethod.parse("recovery.student", r.student());
            LmTrainingSettings training = new LmTrainingSettings(r.steps(), r.epochs(), r.batch(), r.accumulate(), r.lr(),
                    r.warmup(), r.minLrFactor(), r.weightDecay(), r.clip(), r.seed(), r.evalEvery(), r.patience(),
                    r.checkpoint() == null ? null : checkpointPath(r.checkpoint()));
            if (!(r.valFraction() >= 0 && r.valFraction() < 1)) {
                throw new UserError("recovery.val_fraction: must be in [0, 1) (got " + r.valFraction() + ")");
            }
            return new org.prune4j.internal.prune.recovery.RecoverySettings(method, student,
                    r.targets() == null ? RecoverySettings.Defaults.TARGETS : r.targets(),
                    r.rank() == null ? RecoverySettings.Defaults.RANK : r.rank(),
                    (float) (r.alpha() == null ? RecoverySettings.Defaults.ALPHA : r.alpha()),
                    (float) (r.dropout() == null ? RecoverySettings.Defaults.DROPOUT : r.dropout()),
                    r.temperature() == null ? RecoverySettings.Defaults.TEMPERATURE : r.temperature(),
                    r.hiddenMse() == null ? 0 : r.hiddenMse(), r.keepAdapters(), r.seqlen(), r.valFraction(), training);
        } catch (UserError e) {
            String m = e.getMessage();
            for (Map.Entry<String, String> k : KEY_OF_FLAG.entrySet()) {
                m = m.replace(k.getKey(), k.getValue());
            }
            throw new UserError(m, e);
        }
    }

    private static Path checkpointPath(String path) {
        try {
            return Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserError("recovery.checkpoint " + path + ": not a file path (" + e.getReason() + ")");
        }
    }

    /**
     * Recovers the recipe's model itself (a recipe whose method is {@code none}, what {@code prune4j recover}
     * runs); the report file is {@code json} of the job's report.
     */
    static RecoveryReport recoverModel(Recipe recipe, PrintStream log, Function<RecoveryReport, String> json) {
        RecoverySettings r = recipe.recovery();
        if (recipe.output().path() == null) {
            throw new UserError("output.path: missing; where should the recovered model go");
        }
        if (recipe.output().format() != null) {
            throw new UserError("output.format " + recipe.output().format() + ": not supported yet for recovery (the"
                    + " recovered model is written in the input's format)");
        }
        return new RecoveryJob(log).withReportJson(json).run(io(recipe, recipe.model().path(), r.teacher(),
                Path.of(recipe.output().path())), settings(r));
    }

    /** What pruning and then recovery gave: the pruning stage's result and the recovery's report. */
    record Staged<T>(T pruned, RecoveryResult recovery) {}

    /**
     * Prunes with {@code prune} (given the recipe without recovery, writing to a scratch folder) and recovers
     * the pruned model into the recipe's output (or a scratch folder when it has none). The report file is
     * {@code json} of the two.
     */
    static <T> Staged<T> pruneThenRecover(Recipe recipe, Function<Recipe, T> prune, PrintStream log,
            java.util.function.BiFunction<T, RecoveryResult, String> json) {
        Path out = recipe.output().path() == null ? null : Path.of(recipe.output().path()).toAbsolutePath();
        if (out == null && recipe.recovery().keepAdapters()) {
            throw new UserError("recovery.keep_adapters: needs output.path (the adapters are written beside the output;"
                    + " without one the recovered model is not kept)");
        }
        Path parent = out == null ? Path.of(System.getProperty("java.io.tmpdir")) : out.getParent();
        String name = out == null ? "model" : out.getFileName().toString();
        try (ScratchDirectory scratch = ScratchDirectory.create(parent, ".prune4j-recover-")) {
            Path pruned = scratch.path().resolve("pruned").resolve(name);
            java.nio.file.Files.createDirectories(pruned.getParent());
            Recipe pruning = new Recipe(recipe.model(), recipe.calibration(), recipe.method(), recipe.allocation(),
                    RecoverySettings.none(), recipe.evaluation(), new OutputSettings(pruned.toString(), recipe.output().format()));
            T result = prune.apply(pruning);
            Path target = out != null ? out : scratch.path().resolve("recovered").resolve(name);
            java.nio.file.Files.createDirectories(target.getParent());
            RecoveryResult recovered = recoverFile(recipe, pruned, target, out != null, log, rec -> json.apply(result, rec));
            return new Staged<>(result, recovered);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create a scratch folder for recovery: " + e.getMessage());
        }
    }

    /**
     * Recovers the pruned model at {@code pruned} into {@code target} with the recipe's recovery and
     * evaluation (the teacher of distill defaults to the recipe's model); {@code json} gives the report file.
     */
    static RecoveryResult recoverFile(Recipe recipe, Path pruned, Path target, boolean kept, PrintStream log,
            Function<RecoveryResult, String> json) {
        String teacher = recipe.recovery().teacher() != null ? recipe.recovery().teacher()
                : recipe.recovery().method().equals("distill") ? recipe.model().path() : null;
        Long[] bytes = new Long[1]; // measured when the model is written, before any report beside it
        RecoveryReport report = new RecoveryJob(log).withReportJson(r -> {
            bytes[0] = kept ? ReportBuilder.sizeOnDisk(target) : null;
            return json.apply(new RecoveryResult(null, r, bytes[0]));
        }).run(io(recipe, pruned.toString(), teacher, target), settings(recipe.recovery()));
        return new RecoveryResult(null, report, bytes[0]);
    }

    /** The job's inputs and output: the model to recover, the training data, the recipe's evaluation. */
    private static RecoveryJob.Io io(Recipe recipe, String model, String teacher, Path out) {
        RecoverySettings r = recipe.recovery();
        EvaluationSettings e = recipe.evaluation();
        IdsFileSpec evalIds = e.ids() != null ? IdsFileSpec.parse(e.ids())
                : e.text() == null && !model.equals(recipe.model().path()) && BundledModels.isBundled(recipe.model().path())
                        ? new IdsFileSpec(BundledModels.protocol(recipe.model().path()), "eval_ids") : null;
        if (r.trackPpl() && e.text() == null && evalIds == null && !BundledModels.isBundled(model)) {
            throw new UserError("recovery.track_ppl: needs evaluation data (evaluation.text or evaluation.ids)");
        }
        return new RecoveryJob.Io(model, recipe.model().tokenizer() == null ? null : Path.of(recipe.model().tokenizer()), teacher,
                r.trainText() == null ? null : Path.of(r.trainText()), r.trainIds() == null ? null : IdsFileSpec.parse(r.trainIds()),
                e.text() == null ? null : Path.of(e.text()), evalIds, e.seqlen(), e.maxWindows(), out, r.trackPpl());
    }
}
