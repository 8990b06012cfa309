package org.prune4j.api;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.prune4j.UserError;
import org.prune4j.io.IdsFileSpec;
import org.prune4j.prune.SparsityPattern;
import org.prune4j.prune.llm.AllocationKind;
import org.prune4j.prune.llm.LlmPruneJob;
import org.prune4j.prune.llm.LlmPruneSettings;
import org.prune4j.prune.llm.OneShotMethod;

/**
 * The one place that maps the API's settings (a {@link Recipe} and its sections) to the pruning job's
 * settings, and knows which method and allocation own which setting. A change of the job's settings shape
 * touches this file only.
 */
final class JobSettings {
    /** The job's defaults, the source of every default a recipe fills in. */
    private static final LlmPruneSettings DEFAULTS = LlmPruneSettings.defaults(OneShotMethod.SPARSEGPT,
            new SparsityPattern.Unstructured(0));

    /** A setting that belongs to one method or allocation, with its default. */
    private record Owned(String owner, Object defaultValue) {}

    private static final Map<String, Owned> METHOD_SETTINGS = Map.of(
            "blocksize", new Owned("sparsegpt", DEFAULTS.blockSize()),
            "percdamp", new Owned("sparsegpt", DEFAULTS.percDamp()));

    private static final Map<String, Owned> ALLOCATION_SETTINGS = Map.of(
            "owl_m", new Owned("owl", DEFAULTS.owlM()),
            "owl_lambda", new Owned("owl", DEFAULTS.owlLambda()),
            "min_density", new Owned("global", DEFAULTS.minDensity()));

    private JobSettings() {}

    /** The method name, checked and lower-cased. */
    static String methodName(String name) {
        String names = Arrays.stream(OneShotMethod.values()).map(OneShotMethod::cliName).collect(Collectors.joining(", "));
        if (name == null || name.isBlank()) {
            throw new UserError("method.name: missing (" + names + ")");
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (Arrays.stream(OneShotMethod.values()).noneMatch(m -> m.cliName().equals(n))) {
            throw new UserError("method.name " + name + ": unknown method (" + names + ")");
        }
        return n;
    }

    /** The allocation name, checked and lower-cased. */
    static String allocationName(String name) {
        String names = Arrays.stream(AllocationKind.values()).map(AllocationKind::cliName).collect(Collectors.joining(", "));
        if (name == null || name.isBlank()) {
            throw new UserError("allocation.name: missing (" + names + ")");
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (Arrays.stream(AllocationKind.values()).noneMatch(k -> k.cliName().equals(n))) {
            throw new UserError("allocation.name " + name + ": unknown allocation (" + names + ")");
        }
        return n;
    }

    /** {@code value} (or its default when null) if {@code method} owns setting {@code key}; else null, and an error if given. */
    static <T> T methodSetting(String method, String key, T value) {
        return owned("method", method, key, value, METHOD_SETTINGS.get(key));
    }

    /** {@code value} (or its default when null) if {@code allocation} owns setting {@code key}; else null, and an error if given. */
    static <T> T allocationSetting(String allocation, String key, T value) {
        return owned("allocation", allocation, key, value, ALLOCATION_SETTINGS.get(key));
    }

    @SuppressWarnings("unchecked")
    private static <T> T owned(String section, String name, String key, T value, Owned owned) {
        if (owned.owner().equals(name)) {
            return value != null ? value : (T) owned.defaultValue();
        }
        if (value != null) {
            throw new UserError(section + "." + key + ": only " + section + ".name " + owned.owner() + " has this setting (this "
                    + section + " is " + name + ")");
        }
        return null;
    }

    /** Checks that method, allocation and calibration fit together (the job's own checks). */
    static void check(MethodSettings method, AllocationSettings allocation, CalibrationSettings calibration) {
        settings(method, allocation, calibration);
    }

    /** The job's settings for {@code prune}. */
    static LlmPruneSettings settings(PruneSettings prune) {
        return settings(prune.method(), prune.allocation(), prune.calibration());
    }

    private static LlmPruneSettings settings(MethodSettings m, AllocationSettings a, CalibrationSettings c) {
        return new LlmPruneSettings(OneShotMethod.parse(m.name()), SparsityPattern.parse("method.sparsity", m.sparsity()),
                AllocationKind.parse(a.name()),
                a.owlM() != null ? a.owlM() : DEFAULTS.owlM(),
                a.owlLambda() != null ? a.owlLambda() : DEFAULTS.owlLambda(),
                a.minDensity() != null ? a.minDensity() : DEFAULTS.minDensity(),
                c.nsamples(), c.seqlen(), c.seed(),
                m.blocksize() != null ? m.blocksize() : DEFAULTS.blockSize(),
                m.percdamp() != null ? m.percdamp() : DEFAULTS.percDamp(),
                c.batch());
    }

    /** The job's inputs and output for {@code recipe}. */
    static LlmPruneJob.Io io(Recipe recipe) {
        CalibrationSettings c = recipe.calibration();
        EvaluationSettings e = recipe.evaluation();
        return new LlmPruneJob.Io(recipe.model().path(), recipe.model().tokenizerPath(), path(c.text()), ids(c.ids()),
                path(e.text()), ids(e.ids()), e.seqlen(), e.enabled() ? e.maxWindows() : LlmPruneJob.Io.NO_EVALUATION,
                path(recipe.output().path()));
    }

    /** The default number of calibration windows drawn from a text. */
    static int defaultNsamples() {
        return DEFAULTS.nsamples();
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }

    private static IdsFileSpec ids(String spec) {
        return spec == null ? null : IdsFileSpec.parse(spec);
    }
}
