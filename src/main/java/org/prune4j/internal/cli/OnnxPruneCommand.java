package org.prune4j.internal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prune4j.internal.prune.onnx.GroupScore;
import org.prune4j.internal.prune.onnx.ImportanceMethod;
import org.prune4j.internal.prune.onnx.OnnxPruneJob;
import org.prune4j.internal.prune.onnx.OnnxPruneReport;
import org.prune4j.internal.prune.onnx.OnnxPruneSettings;
import org.prune4j.internal.prune.onnx.PruneScope;
import org.prune4j.internal.prune.onnx.PruneTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prune4j prune --onnx}: structured pruning of any ONNX model (reached through {@link OnnxDispatch}). */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Structured pruning of an ONNX model: channels, neurons and attention heads are removed in coupled groups "
                + "built on the ONNX graph; the output keeps the input's input/output names and dynamic axes.",
            "Operators without a coupling rule stop the groups that reach them (reported, never guessed)."})
final class OnnxPruneCommand implements Callable<Integer> {
    @Option(names = "--onnx", required = true, description = "The ONNX model (.onnx; external data beside it is read).")
    Path onnx;

    @Option(names = "--method", required = true, description = "Unit scores: l1, l2 (weight magnitude), activation (Wanda-style |W|·‖X‖₂ on --calib), random.")
    String method;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--ratio", description = "Remove this fraction of the parameters of the prunable groups (0 < F < 1).")
        Double ratio;

        @Option(names = "--target-macs", description = "Prune until the MACs are at most this fraction of the dense model's (0 < F < 1).")
        Double macs;
    }

    @Option(names = "--scope", defaultValue = "local", description = "local (every group loses the same fraction) or global (one ranking of normalised scores). Default: ${DEFAULT-VALUE}.")
    String scope;

    @Option(names = "--calib", description = "Calibration inputs: FILE.safetensors with one tensor per model input (first axis: samples), or a text file (one sample per line) with --tokenizer.")
    Path calib;

    @Option(names = "--tokenizer", description = "tokenizer.json for a text --calib file.")
    Path tokenizer;

    @Option(names = "--max-calib", defaultValue = "128", description = "At most this many calibration samples. Default: ${DEFAULT-VALUE}.")
    int maxCalib;

    @Option(names = "--round-to", defaultValue = "1", description = "Kept channels of each group a multiple of K. Default: ${DEFAULT-VALUE}.")
    int roundTo;

    @Option(names = "--group-score", defaultValue = "normalised", description = "How l1/l2 combine a group's tensors: normalised (each tensor's scores divided by their mean, then summed) or sum (plain Σ|w| / Σw² over weights and biases, BatchNorm running statistics left out: the ranking of prune --arch, so --scope local removes the same channels). Default: ${DEFAULT-VALUE}.")
    String groupScore;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of --method random. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "Size of a named dynamic axis (dim_param) for the shape probe and the MAC counts, e.g. sequence_length=128; repeatable. Unnamed ones: 1 for the first axis, 23 for the others.")
    java.util.Map<String, Long> dims = new java.util.LinkedHashMap<>();

    @Option(names = "--out", required = true, description = "The pruned model (.onnx); must differ from the input.")
    Path out;

    @Option(names = "--json", description = "Print the report as one JSON object on standard output (the recipe under recipe).")
    boolean json;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() {
        if (recipe.printed(spec, "prune-onnx")) {
            return 0;
        }
        PruneTarget t = target.ratio != null ? new PruneTarget.ParameterRatio(target.ratio) : new PruneTarget.MacsFraction(target.macs);
        OnnxPruneSettings s = new OnnxPruneSettings(ImportanceMethod.parse(method), t, PruneScope.parse(scope), roundTo, calib,
                tokenizer, maxCalib, seed, dims, GroupScore.parse(groupScore));
        OnnxPruneReport r = new OnnxPruneJob(System.err).run(onnx, out, s);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(r.toJson().set("recipe", RecipeOption.tree(spec, "prune-onnx")).toString());
        } else {
            o.printf(Locale.ROOT, "pruned %s with %s (%s, %s)%n", r.model(), r.method(), r.scope(), r.target());
            for (OnnxPruneReport.GroupOutcome g : r.groups()) {
                o.printf(Locale.ROOT, "  group %d %s: %d -> %d units%n", g.id(), g.origin(), g.unitsBefore(), g.unitsAfter());
            }
            o.printf(Locale.ROOT, "  parameters %d -> %d (%.1f%%), MACs %d -> %d (%.1f%%), file %d -> %d bytes%n", r.paramsBefore(),
                    r.paramsAfter(), 100.0 * r.paramsAfter() / r.paramsBefore(), r.macsBefore(), r.macsAfter(),
                    100.0 * r.macsAfter() / Math.max(1, r.macsBefore()), r.fileBytesBefore(), r.fileBytesAfter());
            r.stoppedBy().forEach((k, v) -> o.printf(Locale.ROOT, "  stopped %d group(s): %s%n", v, k));
            o.println("  wrote " + r.output());
        }
        o.flush();
        return 0;
    }
}
