package org.prune4j.internal.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.api.Prune4j;
import org.prune4j.api.PruneResult;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecipeFormat;
import org.prune4j.internal.pipeline.prune.AllocationKind;
import org.prune4j.internal.prune.method.MethodOptions;
import org.prune4j.internal.prune.method.PruningMethod;
import org.prune4j.internal.prune.method.PruningMethods;
import org.prune4j.internal.prune.method.SparseGptMethod;
import org.prune4j.internal.prune.structured.StructuredMethod;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prune4j prune}: one-shot pruning of a Llama-family model. */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One-shot pruning of every Linear in the decoder blocks of a Llama-family model.",
            "Structured methods (flap, wanda-sp, magnitude-sp, taylor, block-influence, angular) remove whole heads, neurons "
                + "or layers instead (--ratio / --layers): the output is a smaller model; see README 'Structured LLM pruning'.",
            "Blocks are processed one at a time: the dense block's Linear inputs are captured on the calibration "
                + "sequences, its matrices pruned, the pruned block re-run to feed the next (as SparseGPT and Wanda do).",
            "Writes the pruned model in the input's format (pruned weights stored as zeros) and a JSON report beside it "
                + "(FILE.report.json, or prune4j_report.json inside an HF directory).",
            "With a bundled model and no --calib/--eval options, its pinned protocol (calibration and evaluation ids) is used.",
            "ONNX models: prune4j prune --onnx MODEL.onnx ... (structured pruning; see prune --onnx MODEL.onnx --help)."})
final class PruneCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Bundled model name (stories260K), llama2.c file or Hugging Face directory.")
    String model;

    @Option(names = "--tokenizer", description = "Tokenizer file (tokenizer.bin or tokenizer.json); default: found beside the model.")
    Path tokenizer;

    @Option(names = "--method", required = true, description = "Criterion: magnitude (|W|, no data), wanda (|W|·‖X‖₂ per output row), sparsegpt (OBS updates), dsnot (DSnoT refinement of a wanda/magnitude mask); structured: flap, wanda-sp, magnitude-sp, taylor, block-influence, angular.")
    String method;

    @Option(names = "--arch", description = "Vision architecture: structural pruning of a CNN/ViT checkpoint instead (see its own options: prune --arch NAME --help).")
    String arch;

    @picocli.CommandLine.Unmatched
    java.util.List<String> visionOptions = new java.util.ArrayList<>();

    @Option(names = "--sparsity", description = "Fraction of weights to prune in [0, 1), e.g. 0.5, or N:M, e.g. 2:4 (N of every M consecutive inputs).")
    String sparsity;

    @Option(names = "--allocation", description = "uniform (every matrix the same), global (one magnitude threshold; magnitude only), owl (outlier-weighted per block; wanda/sparsegpt). Default: uniform. Structured: uniform or adaptive (default adaptive for flap, uniform otherwise).")
    String allocation;

    @Option(names = "--owl-m", defaultValue = "5", description = "OWL: a metric value is an outlier above M × its block's mean. Default: ${DEFAULT-VALUE}.")
    double owlM;

    @Option(names = "--owl-lambda", defaultValue = "0.08", description = "OWL: block sparsities span target ± λ. Default: ${DEFAULT-VALUE}.")
    double owlLambda;

    @Option(names = "--min-density", defaultValue = "0", description = "Global allocation: keep at least this fraction of every matrix. Default: ${DEFAULT-VALUE}.")
    double minDensity;

    @ArgGroup(exclusive = true)
    Calibration calibration;

    static final class Calibration {
        @Option(names = "--calib", description = "Calibration text: tokenized once (BOS first); --nsamples windows of --seqlen tokens at positions drawn with --seed.")
        Path text;

        @Option(names = "--calib-ids", description = "Calibration ids FILE.safetensors[:TENSOR], an integer tensor [rows, seqlen], rows used as given.")
        String ids;
    }

    @Option(names = "--nsamples", defaultValue = "128", description = "Calibration windows drawn from --calib. Default: ${DEFAULT-VALUE}.")
    int nsamples;

    @Option(names = "--seqlen", defaultValue = "0", description = "Tokens per calibration window (default: the model's context length).")
    int seqLen;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the calibration window positions. Default: ${DEFAULT-VALUE}.")
    long seed;

    @ArgGroup(exclusive = true)
    Evaluation evaluation;

    static final class Evaluation {
        @Option(names = "--eval", description = "Evaluation text: tokenized once (BOS first), non-overlapping windows of --eval-seqlen tokens, remainder dropped.")
        Path text;

        @Option(names = "--eval-ids", description = "Evaluation ids FILE.safetensors[:TENSOR] [rows, seqlen], each row scored independently.")
        String ids;
    }

    @Option(names = "--eval-seqlen", defaultValue = "0", description = "Evaluation window length for --eval (default: the model's context length).")
    int evalSeqLen;

    @Option(names = "--max-eval-windows", defaultValue = "0", description = "Evaluate at most this many windows/rows (default: all).")
    int maxEvalWindows;

    @Option(names = "--blocksize", defaultValue = "128", description = "SparseGPT column block width. Default: ${DEFAULT-VALUE}.")
    int blockSize;

    @Option(names = "--percdamp", defaultValue = "0.01", description = "SparseGPT dampening, fraction of the mean Hessian diagonal. Default: ${DEFAULT-VALUE}.")
    double percDamp;

    @Option(names = "--batch", defaultValue = "0", description = "Calibration sequences per forward pass (default: automatic, about 256 MiB of activations).")
    int batch;

    @Option(names = "--out", description = "Output path: a llama2.c file or a Hugging Face directory (the input's format). Must differ from the input. Without it nothing is written: only the numbers are reported.")
    Path out;

    @Option(names = "--format", description = "Output format: hf, llama2c, gguf, hf-sparse-bitmask or hf-sparse-24 (compressed-tensors sparse layouts of an hf "
                    + "directory: smaller files, same speed), nemotron-nas (structured methods) (default: the one --out names, e.g. a .bin file is llama2c; else the input's).")
    String format;

    @Option(names = "--json", description = "Print the report as one JSON object on standard output.")
    boolean json;

    @Mixin
    StructuredPruneOptions structured;

    @Mixin
    DsnotOptions dsnot = new DsnotOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--print-recipe", description = "Print the recipe of this run as YAML (for prune4j run) and exit without running.")
    boolean printRecipe;

    @Override
    public Integer call() {
        if (arch != null) {
            return VisionPruneCommand.dispatch(spec.commandLine(), spec.commandLine().getParseResult().originalArgs());
        }
        if (!visionOptions.isEmpty()) {
            throw new UserError("unknown option or argument " + visionOptions.get(0) + " (vision options need --arch)");
        }
        StructuredMethod structuredMethod = StructuredMethod.byName(method);
        if (structuredMethod != null) {
            return StructuredPruneLauncher.run(this, structuredMethod);
        }
        if (structured.anyGiven()) {
            throw new UserError("--ratio/--layers/--units/--round-to/--metric/--bias-compensation/--taylor are for the structured methods ("
                    + StructuredMethod.names() + "); --method " + method + " takes --sparsity");
        }
        if (sparsity == null) {
            throw new UserError("--method " + method + " needs --sparsity (e.g. 0.5 or 2:4), or --arch for structural pruning of a vision model");
        }
        MethodOptions options = MethodOptions.none(method);
        if (method.equalsIgnoreCase(SparseGptMethod.NAME)) {
            options = options.with(SparseGptMethod.BLOCKSIZE, blockSize).with(SparseGptMethod.PERCDAMP, percDamp);
        }
        options = dsnot.addTo(method, options);
        PruningMethod m = PruningMethods.create(method, options);
        PruneOptionCheck.check(spec.commandLine().getParseResult(), m.name(), m.needsCalibration(),
                AllocationKind.parse(allocation == null ? "uniform" : allocation), maxEvalWindows,
                evaluation != null || org.prune4j.internal.model.BundledModels.isBundled(model));
        Recipe recipe = PruneFlagsRecipe.of(this, options);
        PrintStream stdout = System.out;
        if (printRecipe) {
            stdout.print(RecipeFormat.toYaml(recipe));
            return 0;
        }
        PruneResult report = Prune4j.run(recipe, System.err);
        if (json) {
            stdout.println(report.toJson(false));
        } else {
            printSummary(report, stdout);
        }
        return 0;
    }

    static void printSummary(PruneResult r, PrintStream out) {
        out.printf(Locale.ROOT, "pruned %s with %s at %s (%s allocation)%n", r.model(), r.method(), r.pattern(), r.allocation());
        r.calibration().ifPresent(c -> out.println("  calibration: " + c));
        out.printf(Locale.ROOT, "  %-48s %s%n", "matrix", "sparsity");
        for (Map.Entry<String, Double> e : r.matrixSparsity().entrySet()) {
            out.printf(Locale.ROOT, "  %-48s %.4f%n", e.getKey(), e.getValue());
        }
        out.printf(Locale.ROOT, "  overall sparsity %.5f (%d of the %d weights of the blocks' Linear layers are zero)%n",
                r.sparsity(), r.zeroParameters(), r.prunedParameters());
        if (r.densePerplexity().isPresent()) {
            double dense = r.densePerplexity().getAsDouble();
            double pruned = r.prunedPerplexity().getAsDouble();
            out.printf(Locale.ROOT, "  perplexity: dense %.4f -> pruned %.4f (%+.1f%%) on %s%n", dense, pruned,
                    100 * (pruned / dense - 1), r.evaluation().orElse(""));
            out.printf(Locale.ROOT, "  speed: dense %.0f -> pruned %.0f tokens/s (evaluation forward passes, measured in this run)%n",
                    r.denseTokensPerSecond().getAsDouble(), r.prunedTokensPerSecond().getAsDouble());
        }
        r.outputBytes().ifPresent(bytes -> out.printf(Locale.ROOT, "  file size: %,d bytes -> %,d bytes%n", r.inputBytes(), bytes));
        out.println("  note: " + r.storage());
        StringBuilder st = new StringBuilder();
        r.stageSeconds().forEach((k, v) -> st.append(String.format(Locale.ROOT, " %s %.2fs", k, v)));
        out.printf(Locale.ROOT, "  time:%s; total %.2fs%n", st, r.seconds());
        r.output().ifPresentOrElse(o -> out.println("  wrote " + o + " and " + Prune4j.reportPath(o)),
                () -> out.println("  nothing written (no --out)"));
    }
}
