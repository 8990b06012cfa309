package org.prune4j.api;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.prune4j.UserError;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.pipeline.PruneJobSettings;
import org.prune4j.internal.pipeline.calibrate.CalibrationSpec;
import org.prune4j.internal.pipeline.evaluate.EvaluationSpec;
import org.prune4j.internal.pipeline.load.ModelSpec;
import org.prune4j.internal.pipeline.load.Residency;
import org.prune4j.internal.pipeline.prune.AllocationKind;
import org.prune4j.internal.pipeline.prune.AllocationSpec;
import org.prune4j.internal.pipeline.prune.PruningSpec;
import org.prune4j.internal.pipeline.recover.Recovery;
import org.prune4j.internal.pipeline.save.OutputSpec;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.method.MethodOptions;
import org.prune4j.internal.prune.method.PruningMethod;
import org.prune4j.internal.prune.method.PruningMethods;
import org.prune4j.internal.prune.structured.StructuredMethod;
import org.prune4j.internal.prune.structured.StructuredPruneJob;
import org.prune4j.internal.prune.structured.StructuredRecipeKeys;
import org.prune4j.internal.prune.structured.StructuredSettings;

/**
 * The one place that maps the API's settings (a {@link Recipe} and its sections) to the pipeline's
 * settings ({@link PruneJobSettings} and its specs), and knows which allocation owns which setting. A
 * change of the pipeline's settings shape touches this file only.
 */
final class JobSettings {
    /** A setting that belongs to one allocation, with its default. */
    private record Owned(String owner, double defaultValue) {}

    private static final Map<String, Owned> ALLOCATION_SETTINGS = Map.of(
            "owl_m", new Owned("owl", AllocationSpec.UNIFORM.owlM()),
            "owl_lambda", new Owned("owl", AllocationSpec.UNIFORM.owlLambda()),
            "min_density", new Owned("global", AllocationSpec.UNIFORM.minDensity()));

    private JobSettings() {}

    /** The method name, checked against the registry and lower-cased. */
    static String methodName(String name) {
        String names = String.join(", ", PruningMethods.names()) + "; structured: " + StructuredMethod.names()
                + "; none (recovery only)";
        if (name == null || name.isBlank()) {
            throw new UserError("method.name: missing (" + names + ")");
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (!PruningMethods.names().contains(n) && StructuredMethod.byName(n) == null && !n.equals(MethodSettings.NONE)) {
            throw new UserError("method.name " + name + ": unknown method (" + names + ")");
        }
        return n;
    }

    /** Every setting of method {@code name} in effect with {@code given}: the method's defaults for the rest. */
    static Map<String, Object> methodSettings(String name, Map<String, Object> given) {
        Map<String, Object> known = PruningMethods.byName(name).settings();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            String key = e.getKey();
            if (!known.containsKey(key)) {
                throw new UserError("method." + key + ": " + name + " does not take this setting ("
                        + (known.isEmpty() ? "it has none" : "its settings: " + String.join(", ", new TreeSet<>(known.keySet())))
                        + ")");
            }
            checkType("method." + key, known.get(key), e.getValue());
        }
        return method(name, given).settings();
    }

    /** A setting's value must have the type of its default: an integer, a number, a string or a boolean. */
    private static void checkType(String key, Object defaultValue, Object value) {
        boolean ok = defaultValue instanceof Integer || defaultValue instanceof Long
                ? value instanceof Integer || value instanceof Long
                : defaultValue instanceof Number ? value instanceof Number
                : defaultValue instanceof Boolean ? value instanceof Boolean
                : value instanceof String;
        if (!ok) {
            String expected = defaultValue instanceof Integer || defaultValue instanceof Long ? "an integer"
                    : defaultValue instanceof Number ? "a number" : defaultValue instanceof Boolean ? "true or false" : "a string";
            String got = value instanceof String str ? "\"" + str + "\"" : String.valueOf(value);
            throw new UserError(key + ": expected " + expected + ", got " + got);
        }
    }

    private static PruningMethod method(String name, Map<String, Object> settings) {
        try {
            return PruningMethods.create(name, new MethodOptions(name, settings));
        } catch (UserError e) {
            throw new UserError("method: " + e.getMessage(), e);
        }
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

    /** {@code value} (or its default when null) if {@code allocation} owns setting {@code key}; else null, and an error if given. */
    static Double allocationSetting(String allocation, String key, Double value) {
        Owned owned = ALLOCATION_SETTINGS.get(key);
        if (owned.owner().equals(allocation)) {
            return value != null ? value : owned.defaultValue();
        }
        if (value != null) {
            throw new UserError("allocation." + key + ": only allocation.name " + owned.owner()
                    + " has this setting (this allocation is " + allocation + ")");
        }
        return null;
    }

    /** The residency name, checked and lower-cased. */
    static String residencyName(String name) {
        String names = Arrays.stream(Residency.values()).map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        if (name == null || name.isBlank()) {
            throw new UserError("model.residency: missing (" + names + ")");
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (Arrays.stream(Residency.values()).noneMatch(r -> r.name().toLowerCase(Locale.ROOT).equals(n))) {
            throw new UserError("model.residency " + name + ": unknown (" + names + ")");
        }
        return n;
    }

    /** Checks that method, allocation and calibration fit together (the pipeline's own checks). */
    static void check(MethodSettings method, AllocationSettings allocation, CalibrationSettings calibration) {
        if (!method.prunes()) {
            if (!allocation.equals(AllocationSettings.uniform()) || !calibration.equals(CalibrationSettings.protocol())) {
                throw new UserError("method.name none: prunes nothing; it takes no " + (calibration.equals(
                        CalibrationSettings.protocol()) ? "allocation" : "calibration") + " section");
            }
            return;
        }
        if (method.structured()) {
            if (!allocation.equals(AllocationSettings.uniform())) {
                throw new UserError("allocation.name " + allocation.name() + ": structured methods take method.allocation"
                        + " (uniform or adaptive) and no allocation section");
            }
        } else {
            pruning(method, allocation);
        }
        calibration(calibration);
    }

    /** The structured job's settings for a recipe whose method is structured. */
    static StructuredSettings structuredSettings(Recipe r) {
        return StructuredRecipeKeys.fromMap(StructuredMethod.byName(r.method().name()), r.method().settings(),
                r.calibration().batch());
    }

    /** Where the structured job of a recipe reads and writes (output.format as --format); refuses streaming. */
    static StructuredPruneJob.Io structuredIo(Recipe r) {
        if (r.model().residency().equals("streamed")) {
            throw new UserError("model.residency streamed: not supported yet for structured methods (they hold the model"
                    + " in memory; use auto or resident)");
        }
        CalibrationSettings c = r.calibration();
        EvaluationSettings e = r.evaluation();
        return new StructuredPruneJob.Io(r.model().path(), path(r.model().tokenizer()), path(c.text()), ids(c.ids()),
                c.nsamples(), c.seqlen(), c.seed(), path(e.text()), ids(e.ids()), e.seqlen(), e.maxWindows(),
                path(r.output().path()), r.output().format());
    }

    /** The pipeline's settings for a whole recipe. */
    static PruneJobSettings settings(Recipe r) {
        EvaluationSettings e = r.evaluation();
        return new PruneJobSettings(model(r.model()), calibration(r.calibration()), pruning(r.method(), r.allocation()),
                Recovery.none(), new EvaluationSpec(path(e.text()), ids(e.ids()), e.seqlen(), e.maxWindows()),
                new OutputSpec(path(r.output().path()), r.output().format()));
    }

    static ModelSpec model(ModelSettings m) {
        return new ModelSpec(m.path(), path(m.tokenizer()), Residency.valueOf(m.residency().toUpperCase(Locale.ROOT)));
    }

    static PruningSpec pruning(MethodSettings m, AllocationSettings a) {
        AllocationSpec d = AllocationSpec.UNIFORM;
        return new PruningSpec(method(m.name(), m.settings()), SparsityPattern.parse("method.sparsity", m.sparsity()),
                new AllocationSpec(AllocationKind.parse(a.name()),
                        a.owlM() != null ? a.owlM() : d.owlM(),
                        a.owlLambda() != null ? a.owlLambda() : d.owlLambda(),
                        a.minDensity() != null ? a.minDensity() : d.minDensity()));
    }

    static CalibrationSpec calibration(CalibrationSettings c) {
        return new CalibrationSpec(path(c.text()), ids(c.ids()), c.nsamples(), c.seqlen(), c.seed(), c.batch());
    }

    static EvaluationSpec evaluation(EvaluationSettings e) {
        return new EvaluationSpec(path(e.text()), ids(e.ids()), e.seqlen(), e.maxWindows());
    }

    /** The default number of calibration windows drawn from a text. */
    static int defaultNsamples() {
        return CalibrationSpec.DEFAULT.nsamples();
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }

    private static IdsFileSpec ids(String spec) {
        return spec == null ? null : IdsFileSpec.parse(spec);
    }
}
