package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.prune.structural.GroupReduction;
import org.prune4j.internal.prune.structural.Importance;
import org.prune4j.internal.prune.structural.Normalizer;
import org.prune4j.internal.prune.structural.Scope;
import org.prune4j.internal.prune.structural.StructuralPruneJob;
import org.prune4j.internal.prune.structural.StructuralPruneSettings;
import org.prune4j.internal.prune.structural.Target;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prune4j prune --arch NAME ...}: structural pruning of a vision checkpoint (channels, filters,
 * heads removed for real). {@link PruneCommand} hands over here when {@code --arch} is given.
 */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Structural pruning of a CNN or ViT checkpoint (with --arch): the dependency graph of the network is traced,"
                + " whole channels/filters/heads are scored and removed progressively until the target, optionally after"
                + " sparsity-inducing training (--sparsity-train-epochs, --reg) and optionally fine-tuned.",
            "Writes a safetensors state dict with the input's tensor names and the reduced shapes (every command infers the"
                + " widths from them); --json prints accuracy, MACs, parameters and measured latency, dense vs pruned."})
final class VisionPruneCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "Architecture: ${COMPLETION-CANDIDATES}.", completionCandidates = Archs.class)
    String arch;

    @Option(names = "--model", required = true, description = "Checkpoint (PyTorch .th/.pt or .safetensors).")
    Path model;

    @Option(names = "--method", required = true, description = "Importance: l1, l2, bn-scale, taylor, random."
            + " Or precrop-snip, precrop-grasp, precrop-synflow: PreCropping from scratch, no --model, takes --density"
            + " (its own options: prune --arch NAME --method precrop-synflow --help).")
    String method;

    @Option(names = "--scope", defaultValue = "global", description = "local, global or isomorphic. Default: ${DEFAULT-VALUE}.")
    String scope;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TargetOption target;

    static final class TargetOption {
        @Option(names = "--target-macs", description = "Keep this fraction of the MACs, in (0, 1).")
        Double macs;

        @Option(names = "--target-params", description = "Keep this fraction of the parameters, in (0, 1).")
        Double params;

        @Option(names = "--ratio", description = "Remove this fraction of the prunable channels, in (0, 1).")
        Double ratio;
    }

    @Option(names = "--reduction", defaultValue = "mean", description = "mean, sum or max over a group's members. Default: ${DEFAULT-VALUE}.")
    String reduction;

    @Option(names = "--normalizer", defaultValue = "mean", description = "none, mean, max or lamp. Default: ${DEFAULT-VALUE}.")
    String normalizer;

    @Option(names = "--round-to", defaultValue = "1", description = "Pruned groups keep a multiple of K channels. Default: ${DEFAULT-VALUE}.")
    int roundTo;

    @Option(names = "--max-ratio", defaultValue = "0.9", description = "No group loses more than this fraction. Default: ${DEFAULT-VALUE}.")
    double maxRatio;

    @Option(names = "--step", defaultValue = "0.01", description = "Fraction of the channels removed per step. Default: ${DEFAULT-VALUE}.")
    double step;

    @Option(names = "--images", description = "Evaluation images for the before/after accuracy (and Taylor calibration without --calib-images): IDX, CIFAR-10 binary or a folder.")
    Path images;

    @Option(names = "--calib-images", description = "Calibration images for --method taylor (its first 256 images give the"
            + " gradients), e.g. training images, so that the ranking never sees the evaluation images. Default: --images.")
    Path calibImages;

    @Option(names = "--finetune-epochs", defaultValue = "0", description = "Fine-tune the pruned model for E epochs (needs --dataset). Default: ${DEFAULT-VALUE}.")
    int finetuneEpochs;

    @Option(names = "--dataset", description = "Training data for fine-tuning: cifar10, mnist or fashion-mnist.")
    String dataset;

    @Option(names = "--data-dir", description = "Where --dataset lives.")
    Path dataDir;

    @Option(names = "--lr", defaultValue = "0.01", description = "Fine-tuning learning rate (SGD, Nesterov, cosine). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--batch-size", defaultValue = "128", description = "Fine-tuning batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--distill", description = "Fine-tune with the dense model as teacher: loss = alpha * T^2 * KL(softmax(dense/T) || softmax(pruned/T)) + (1 - alpha) * cross-entropy.")
    boolean distill;

    @Option(names = "--distill-temperature", description = "Distillation temperature T (with --distill). Default: 4.")
    Double distillTemperature;

    @Option(names = "--distill-alpha", description = "Weight alpha of the distillation term, in [0, 1] (with --distill). Default: 0.9.")
    Double distillAlpha;

    @Option(names = "--sparsity-train-epochs", defaultValue = "0", description = "Before scoring, train the dense model for E epochs"
            + " with the --reg regulariser added to the cross-entropy (needs --reg and --dataset; --lr and --batch-size as"
            + " for fine-tuning). Default: ${DEFAULT-VALUE}.")
    int sparsityTrainEpochs;

    @Option(names = "--reg", description = "Sparsity regulariser (with --sparsity-train-epochs): group-norm = lambda * sum over"
            + " groups and channels of the L2 norm of all coupled slices (Group-SL, group lasso over the dependency graph);"
            + " bn-l1 = lambda * sum |gamma| of every BatchNorm (network slimming).")
    String reg;

    @Option(names = "--reg-lambda", description = "Weight lambda > 0 of --reg. Default: 1e-4 for group-norm, 1e-5 for bn-l1.")
    Double regLambda;

    @Option(names = "--latency-reps", defaultValue = "10", description = "Timed repetitions per batch size. Default: ${DEFAULT-VALUE}.")
    int latencyReps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (fine-tuning order, random importance). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, description = "Output .safetensors file.")
    Path out;

    @Option(names = "--json", description = "Print the report as one JSON object (the recipe under recipe).")
    boolean json;

    static final class Archs implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return VisionModels.names().iterator();
        }
    }

    /** Runs with the original arguments of {@code prune} (called by {@link PruneCommand}). */
    static int dispatch(CommandLine parent, java.util.List<String> args) {
        CommandLine cl = new CommandLine(new VisionPruneCommand());
        cl.setOut(parent.getOut());
        cl.setErr(parent.getErr());
        cl.setExecutionExceptionHandler(parent.getExecutionExceptionHandler());
        cl.setParameterExceptionHandler(parent.getParameterExceptionHandler());
        int start = args.indexOf("prune") + 1; // the top-level arguments up to the sub-command's name
        if (PreCropCommand.wanted(args.subList(start, args.size()))) {
            return PreCropCommand.dispatch(parent, args.subList(start, args.size()));
        }
        return cl.execute(args.subList(start, args.size()).toArray(new String[0]));
    }

    /**
     * True for {@code prune --arch NAME ... --help} (or {@code -h}): picocli answers help before {@link
     * PruneCommand} can hand over, so the launcher sends such a line here to print these options.
     */
    static boolean isHelpRequest(String... args) {
        if (args.length < 2 || !args[0].equals("prune")) {
            return false;
        }
        boolean arch = false;
        boolean help = false;
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            arch |= args[i].equals("--arch") || args[i].startsWith("--arch=");
            help |= args[i].equals("--help") || args[i].equals("-h");
        }
        return arch && help;
    }

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        if (recipe.printed(command, "prune-vision")) {
            return 0;
        }
        VisionSpec spec = VisionModels.spec(arch);
        Target t = target.macs != null ? new Target(Target.Kind.MACS, target.macs)
                : target.params != null ? new Target(Target.Kind.PARAMS, target.params)
                : new Target(Target.Kind.CHANNELS, 1 - target.ratio);
        if (target.ratio != null && !(target.ratio > 0 && target.ratio < 1)) {
            throw new UserError("--ratio " + target.ratio + ": must be in (0, 1), the fraction of channels to remove");
        }
        StructuralPruneSettings settings = new StructuralPruneSettings(Importance.parse(method, seed),
                GroupReduction.parse(reduction), Normalizer.parse(normalizer), Scope.parse(scope), t, roundTo, maxRatio, step);
        if (!distill && (distillTemperature != null || distillAlpha != null)) {
            throw new UserError("--distill-temperature and --distill-alpha need --distill");
        }
        StructuralPruneJob.Distill distillation = distill ? new StructuralPruneJob.Distill(
                distillTemperature == null ? 4 : distillTemperature, distillAlpha == null ? 0.9 : distillAlpha) : null;
        if (distill && finetuneEpochs == 0) {
            throw new UserError("--distill needs --finetune-epochs > 0 (it is a fine-tuning loss)");
        }
        if (sparsityTrainEpochs < 0) {
            throw new UserError("--sparsity-train-epochs " + sparsityTrainEpochs + ": must be >= 0");
        }
        if (sparsityTrainEpochs == 0 && (reg != null || regLambda != null)) {
            throw new UserError("--reg and --reg-lambda need --sparsity-train-epochs > 0");
        }
        if (sparsityTrainEpochs > 0 && reg == null) {
            throw new UserError("--sparsity-train-epochs needs --reg group-norm or --reg bn-l1");
        }
        StructuralPruneJob.SparsityTraining sparsity = sparsityTrainEpochs == 0 ? null
                : new StructuralPruneJob.SparsityTraining(sparsityTrainEpochs, reg,
                        regLambda != null ? regLambda : reg.equals("bn-l1") ? 1e-5 : 1e-4);
        if (!Files.isRegularFile(model)) {
            throw new UserError(model + ": no such file");
        }
        if (out.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
            throw new UserError("--out " + out + ": must differ from --model");
        }
        if (!out.toString().endsWith(".safetensors")) {
            throw new UserError("--out " + out + ": must end in .safetensors (pickle output is not written)");
        }
        if (finetuneEpochs < 0) {
            throw new UserError("--finetune-epochs " + finetuneEpochs + ": must be >= 0");
        }
        if (latencyReps < 1) {
            throw new UserError("--latency-reps " + latencyReps + ": must be >= 1");
        }
        Dataset eval = images == null ? null : VisionEval.readImages(images, spec);
        if (calibImages != null && !method.equals("taylor")) {
            throw new UserError("--calib-images is for --method taylor (the only criterion that needs data)");
        }
        Dataset calib = calibImages == null ? null : VisionEval.readImages(calibImages, spec);
        Dataset train = null;
        if (finetuneEpochs > 0 || sparsity != null) {
            if (dataset == null) {
                throw new UserError((finetuneEpochs > 0 ? "--finetune-epochs" : "--sparsity-train-epochs")
                        + " needs --dataset (and --data-dir)");
            }
            train = TrainingImages.read(dataset, dataDir, spec, arch);
        }
        ObjectNode report = new StructuralPruneJob(System.err).run(new StructuralPruneJob.Request(arch, model, eval, calib,
                train, finetuneEpochs, lr, batchSize, seed, latencyReps, out, distillation, sparsity), settings);
        if (json) {
            report.set("recipe", RecipeOption.tree(command, "prune-vision"));
            System.out.println(report.toString());
        } else {
            printSummary(report);
        }
        return 0;
    }

    private static void printSummary(ObjectNode r) {
        System.out.printf(Locale.ROOT, "%s %s (%s): MACs %,d -> %,d (%.1f%%), params %,d -> %,d%n", r.get("arch").asText(),
                r.get("method").asText(), r.get("scope").asText(), r.get("macs_before").asLong(), r.get("macs_after").asLong(),
                100.0 * r.get("macs_after").asLong() / r.get("macs_before").asLong(), r.get("params_before").asLong(),
                r.get("params_after").asLong());
        if (r.has("reg_group_norm_before")) {
            System.out.printf(Locale.ROOT, "sparsity training (%s, lambda %g, %d epochs): sum of group norms %.4f -> %.4f%n",
                    r.get("reg").asText(), r.get("reg_lambda").asDouble(), r.get("sparsity_train_epochs").asInt(),
                    r.get("reg_group_norm_before").asDouble(), r.get("reg_group_norm_after").asDouble());
        }
        if (r.has("accuracy_before")) {
            System.out.printf(Locale.ROOT, "accuracy %.2f%% -> %.2f%% after pruning -> %.2f%% final%n",
                    100 * r.get("accuracy_before").asDouble(), 100 * r.get("accuracy_after_pruning").asDouble(),
                    100 * r.get("accuracy_after").asDouble());
        }
        JsonNode lat = r.get("latency_ms");
        lat.fieldNames().forEachRemaining(b -> System.out.printf(Locale.ROOT, "latency %s: dense %.2f ms, pruned %.2f ms (%.2fx)%n",
                b, lat.get(b).get("dense").get("median").asDouble(), lat.get(b).get("pruned").get("median").asDouble(),
                lat.get(b).get("speedup").asDouble()));
        System.out.println("wrote " + r.get("out").asText());
    }
}
