package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.prune.structural.PreCropJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prune4j prune --arch NAME --method precrop-snip|precrop-grasp|precrop-synflow --density F ...}:
 * PreCropping, pruning at initialisation turned into a narrower dense network. {@link VisionPruneCommand}
 * hands over here when {@code --method} starts with {@code precrop-}.
 */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"PreCropping (with --arch and --method precrop-CRITERION): the seeded, untrained network is scored by"
                + " SNIP, GraSP or SynFlow (global allocation) at --density; each layer's density becomes channel widths"
                + " (one per dependency group: a layer with both sides cropped and density d asks for sqrt(d) of the"
                + " channels on each side, a group takes the cost-weighted geometric mean of its layers' asks, then one"
                + " common factor meets the budget); the narrower network is initialised afresh from --seed and"
                + " optionally trained from scratch.",
            "Writes a safetensors state dict with the architecture's tensor names and the reduced shapes; --json prints"
                + " per-layer densities, group widths, parameters, MACs and measured latency, dense vs cropped."})
final class PreCropCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "CNN: lenet-300-100, lenet5, conv2/4/6, resnet20/32/44/56 (ViT: not supported yet).")
    String arch;

    @Option(names = "--method", required = true, description = "precrop-snip, precrop-grasp or precrop-synflow.")
    String method;

    @Option(names = "--density", required = true, description = "Fraction of the prunable weights the criterion's mask keeps, in (0, 1]; 1 gives the dense network.")
    double density;

    @Option(names = "--budget", defaultValue = "params", description = "params (PreCrop-Params: the cropped network keeps the masks' weights) or macs (PreCrop-FLOPs: layers weighted by MACs, the cropped network keeps the masks' MACs). Default: ${DEFAULT-VALUE}.")
    String budget;

    @Option(names = "--round-to", defaultValue = "1", description = "Every group keeps a multiple of K channels (or its dense width). Default: ${DEFAULT-VALUE}.")
    int roundTo;

    @Option(names = "--score-examples", defaultValue = "100", description = "precrop-snip/grasp: training images the scores are computed on. Default: ${DEFAULT-VALUE}.")
    int scoreExamples;

    @Option(names = "--synflow-iterations", defaultValue = "100", description = "precrop-synflow: pruning rounds (exponential schedule). Default: ${DEFAULT-VALUE}.")
    int synflowIterations;

    @Option(names = "--images", description = "Evaluation images for the accuracy: IDX, CIFAR-10 binary or a folder.")
    Path images;

    @Option(names = "--finetune-epochs", defaultValue = "0", description = "Train the cropped network from scratch for E epochs (needs --dataset). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--dataset", description = "Training data (scoring for precrop-snip/grasp, training): cifar10, mnist or fashion-mnist.")
    String dataset;

    @Option(names = "--data-dir", description = "Where --dataset lives.")
    Path dataDir;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (SGD, Nesterov, cosine). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--batch-size", defaultValue = "128", description = "Training batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--latency-reps", defaultValue = "10", description = "Timed repetitions per batch size. Default: ${DEFAULT-VALUE}.")
    int latencyReps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (initialisation, scoring batch, training order). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, description = "Output .safetensors file.")
    Path out;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec command;

    /** True when {@code args} name a {@code precrop-} method. */
    static boolean wanted(List<String> args) {
        for (int i = 0; i < args.size() && !args.get(i).equals("--"); i++) {
            String a = args.get(i);
            if (a.equals("--method") && i + 1 < args.size() && args.get(i + 1).startsWith("precrop-")
                    || a.startsWith("--method=precrop-")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for {@code prune ... --method precrop-...}: {@code prune}'s own options (a required {@code --model})
     * do not apply, so the launcher sends such a line here before {@code prune} parses it.
     */
    static boolean isRequest(String... args) {
        return args.length > 1 && args[0].equals("prune") && wanted(List.of(args).subList(1, args.length));
    }

    /** Runs with the arguments after {@code prune}. */
    static int dispatch(CommandLine parent, List<String> args) {
        CommandLine cl = new CommandLine(new PreCropCommand());
        cl.setOut(parent.getOut());
        cl.setErr(parent.getErr());
        cl.setExecutionExceptionHandler(parent.getExecutionExceptionHandler());
        cl.setParameterExceptionHandler(parent.getParameterExceptionHandler());
        return cl.execute(args.toArray(new String[0]));
    }

    @Override
    public Integer call() {
        if (recipe.printed(command, "prune-precrop")) {
            return 0;
        }
        PreCropJob.checkArch(arch);
        VisionSpec spec = VisionModels.spec(arch);
        if (!method.startsWith("precrop-")) {
            throw new UserError("--method " + method + ": expected precrop-snip, precrop-grasp or precrop-synflow");
        }
        String criterion = method.substring("precrop-".length());
        if (!out.toString().endsWith(".safetensors")) {
            throw new UserError("--out " + out + ": must end in .safetensors");
        }
        if (epochs < 0) {
            throw new UserError("--finetune-epochs " + epochs + ": must be >= 0");
        }
        if (latencyReps < 1) {
            throw new UserError("--latency-reps " + latencyReps + ": must be >= 1");
        }
        if (batchSize < 1) {
            throw new UserError("--batch-size " + batchSize + ": must be >= 1");
        }
        if (!(lr > 0)) {
            throw new UserError("--lr " + lr + ": must be > 0");
        }
        if (epochs > 0 && dataset == null) {
            throw new UserError("--finetune-epochs needs --dataset (and --data-dir)");
        }
        if (dataset == null && dataDir != null) {
            throw new UserError("--data-dir needs --dataset");
        }
        // validate the request (density, criterion, budget ...) before reading any data
        PreCropJob.Request check = request(criterion, null, null, null);
        Dataset train = null;
        if (dataset != null) {
            train = TrainingImages.read(dataset, dataDir, spec, arch);
        }
        Dataset eval = images == null ? null : VisionEval.readImages(images, spec);
        PreCropJob.Request r = request(check.criterion(), criterion.equals("synflow") ? null : train, eval,
                epochs > 0 ? train : null);
        ObjectNode report = new PreCropJob(System.err).run(r);
        if (json) {
            report.set("recipe", RecipeOption.tree(command, "prune-precrop"));
            System.out.println(report.toString());
        } else {
            printSummary(report);
        }
        return 0;
    }

    private PreCropJob.Request request(String criterion, Dataset scoring, Dataset eval, Dataset train) {
        return new PreCropJob.Request(arch, criterion, density, budget, roundTo, scoreExamples, synflowIterations, scoring,
                eval, train, epochs, lr, batchSize, seed, latencyReps, out);
    }

    private static void printSummary(ObjectNode r) {
        System.out.printf(Locale.ROOT, "%s %s at density %s (%s budget): params %,d -> %,d, prunable weights %,d -> %,d"
                + " (target %,d), MACs %,d -> %,d (%.1f%%)%n", r.get("arch").asText(), r.get("method").asText(),
                r.get("density").asText(), r.get("budget").asText(), r.get("params_before").asLong(),
                r.get("params_after").asLong(), r.get("prunable_weights_before").asLong(),
                r.get("prunable_weights_after").asLong(), r.get("target_weights").asLong(), r.get("macs_before").asLong(),
                r.get("macs_after").asLong(), 100 * r.get("macs_ratio").asDouble());
        r.get("group_widths").fields().forEachRemaining(e -> System.out.printf(Locale.ROOT, "  %s: %d -> %d channels%n",
                e.getKey(), e.getValue().get("dense").asInt(), e.getValue().get("cropped").asInt()));
        if (r.has("accuracy")) {
            System.out.printf(Locale.ROOT, "accuracy %.2f%% on %d images%n", 100 * r.get("accuracy").asDouble(),
                    r.get("eval_images").asInt());
        }
        JsonNode lat = r.get("latency_ms");
        lat.fieldNames().forEachRemaining(b -> System.out.printf(Locale.ROOT, "latency %s: dense %.2f ms, cropped %.2f ms (%.2fx)%n",
                b, lat.get(b).get("dense").get("median").asDouble(), lat.get(b).get("cropped").get("median").asDouble(),
                lat.get(b).get("speedup").asDouble()));
        System.out.println("wrote " + r.get("out").asText());
    }
}
