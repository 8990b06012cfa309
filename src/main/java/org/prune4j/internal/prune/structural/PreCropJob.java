package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.prune4j.UserError;
import org.prune4j.internal.data.Augmentation;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.model.vision.FreshInitialization;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.Group;
import org.prune4j.internal.nn.graph.Member;
import org.prune4j.internal.nn.graph.Role;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.allocation.GlobalAllocation;
import org.prune4j.internal.prune.training.GraspSaliency;
import org.prune4j.internal.prune.training.PruningAtInitialization;
import org.prune4j.internal.prune.training.SnipSaliency;
import org.prune4j.internal.prune.training.SynFlowSaliency;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.Prunable;
import org.prune4j.internal.train.TrainingObjective;
import org.prune4j.internal.train.TrainingResult;

/**
 * PreCropping (Cai et al. 2022): score the freshly initialised (seeded) network with a pruning-at-initialisation
 * criterion (SNIP, GraSP or SynFlow, global allocation, as {@code prune4j train --prune}), read each layer's
 * density off the masks, turn the densities into one channel width per dependency group ({@link
 * PreCropWidths}), build the narrower dense network and initialise it afresh from the same seed ({@link
 * FreshInitialization}), train it from scratch (optional), measure dense vs cropped, save it as safetensors
 * with the architecture's tensor names and the reduced shapes.
 */
public final class PreCropJob {
    /** The criteria. */
    public static final List<String> CRITERIA = List.of("snip", "grasp", "synflow");

    /**
     * What to run.
     *
     * @param arch a CNN of the vision registry
     * @param criterion snip, grasp or synflow
     * @param density fraction of the prunable weights the masks keep, in (0, 1] (1: the dense network)
     * @param budget {@code params} (PreCrop-Params: layer costs are weights) or {@code macs} (PreCrop-FLOPs)
     * @param roundTo every group keeps a multiple of this many channels (or its dense width)
     * @param scoreExamples SNIP/GraSP: training images the scores are computed on (one batch)
     * @param synflowIterations SynFlow: pruning rounds
     * @param scoring SNIP/GraSP training images (normalised), or null for SynFlow
     * @param evalImages accuracy images, or null
     * @param train training images for the from-scratch training, or null
     * @param epochs training epochs (0 = none)
     * @param learningRate SGD learning rate (Nesterov, cosine decay, as fine-tuning)
     * @param batchSize training batch size
     * @param seed initialisation, scoring batch and training order
     * @param latencyRepetitions timed repetitions per batch size
     * @param out output safetensors file
     */
    public record Request(String arch, String criterion, double density, String budget, int roundTo, int scoreExamples,
            int synflowIterations, Dataset scoring, Dataset evalImages, Dataset train, int epochs, double learningRate,
            int batchSize, long seed, int latencyRepetitions, Path out) {
        public Request {
            if (!CRITERIA.contains(criterion)) {
                throw new UserError("--method precrop-" + criterion + ": unknown criterion; expected precrop-snip,"
                        + " precrop-grasp or precrop-synflow");
            }
            if (!(density > 0 && density <= 1)) {
                throw new UserError("--density " + density + ": must be in (0, 1], the fraction of weights kept");
            }
            if (!budget.equals("params") && !budget.equals("macs")) {
                throw new UserError("--budget " + budget + ": expected params or macs");
            }
            if (roundTo < 1) {
                throw new UserError("--round-to " + roundTo + ": must be >= 1");
            }
            if (scoreExamples < 1) {
                throw new UserError("--score-examples " + scoreExamples + ": must be >= 1");
            }
            if (synflowIterations < 1) {
                throw new UserError("--synflow-iterations " + synflowIterations + ": must be >= 1");
            }
        }
    }

    private final PrintStream log;

    public PreCropJob(PrintStream log) {
        this.log = log;
    }

    /** Refuses the architectures PreCropping does not handle yet (ViT). */
    public static void checkArch(String arch) {
        VisionModels.spec(arch);
        if (arch.startsWith("vit")) {
            throw new UserError("--method precrop-*: not supported yet for " + arch + " (PreCropping is for CNNs)");
        }
    }

    /** Runs the job and returns the report. */
    public ObjectNode run(Request r) {
        checkArch(r.arch());
        long started = System.nanoTime();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode report = mapper.createObjectNode();
        VisionSpec spec = VisionModels.spec(r.arch());
        Shape image = new Shape(spec.channels(), spec.height(), spec.width());
        try (NDManager manager = NDManager.newBaseManager()) {
            report.put("arch", r.arch());
            report.put("method", "precrop-" + r.criterion());
            report.put("budget", r.budget());
            report.put("density", r.density());
            report.put("round_to", r.roundTo());
            report.put("seed", r.seed());
            VisionModel dense = VisionModels.create(r.arch(), manager, r.seed());
            long t0 = System.nanoTime();
            Map<String, Double> densities = densities(r, manager, image);
            report.put("score_seconds", StructuralPruneJob.round((System.nanoTime() - t0) / 1e9, 2));
            DependencyGraph graph = DependencyGraph.build(dense, dense::forward, image);
            Map<String, Long> macs = MacCounter.perLayer(dense, dense::forward, image);
            Map<String, Parameter> weights = Prunable.weights(dense);
            List<PreCropWidths.Layer> layers = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                String module = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
                double cost = r.budget().equals("params") ? e.getValue().numel() : macs.getOrDefault(module, 0L);
                layers.add(new PreCropWidths.Layer(module, cost, densities.get(e.getKey()), group(graph, module, Role.IN),
                        group(graph, module, Role.OUT)));
            }
            Map<Integer, Integer> denseWidths = new LinkedHashMap<>();
            for (Group g : graph.prunableGroups()) {
                denseWidths.put(g.id(), g.width());
            }
            PreCropWidths.Result widths = PreCropWidths.widths(layers, denseWidths, r.roundTo());
            VisionModel cropped = crop(r, manager, image, widths.widths());
            report.put("budget_target", StructuralPruneJob.round(widths.targetCost(), 1));
            report.put("budget_cropped", StructuralPruneJob.round(widths.croppedCost(), 1));
            report.put("target_weights", Math.round(r.density() * weights.values().stream().mapToLong(Parameter::numel).sum()));
            report.put("prunable_weights_before", weights.values().stream().mapToLong(Parameter::numel).sum());
            report.put("prunable_weights_after", Prunable.weights(cropped).values().stream().mapToLong(Parameter::numel).sum());
            report.put("params_before", dense.parameterCount());
            report.put("params_after", cropped.parameterCount());
            Map<String, Long> croppedMacs = MacCounter.perLayer(cropped, cropped::forward, image);
            long macsBefore = macs.values().stream().mapToLong(Long::longValue).sum();
            long macsAfter = croppedMacs.values().stream().mapToLong(Long::longValue).sum();
            report.put("macs_before", macsBefore);
            report.put("macs_after", macsAfter);
            report.put("macs_ratio", StructuralPruneJob.round((double) macsAfter / macsBefore, 4));
            Map<String, Parameter> croppedWeights = Prunable.weights(cropped);
            ObjectNode perLayer = report.putObject("layers");
            for (PreCropWidths.Layer l : layers) {
                ObjectNode o = perLayer.putObject(l.layer());
                o.put("pai_density", StructuralPruneJob.round(l.density(), 5));
                long before = weights.get(l.layer() + ".weight").numel();
                long after = croppedWeights.get(l.layer() + ".weight").numel();
                o.put("weights_before", before);
                o.put("weights_after", after);
                o.put("cropped_density", StructuralPruneJob.round((double) after / before, 5));
                o.put("macs_before", macs.getOrDefault(l.layer(), 0L));
                o.put("macs_after", croppedMacs.getOrDefault(l.layer(), 0L));
            }
            ObjectNode groupWidths = report.putObject("group_widths");
            for (Group g : graph.prunableGroups()) {
                ObjectNode o = groupWidths.putObject(g.name());
                o.put("dense", g.width());
                o.put("cropped", widths.widths().getOrDefault(g.id(), g.width()));
                o.put("vote", StructuralPruneJob.round(widths.votes().getOrDefault(g.id(), 1.0), 5));
            }
            if (log != null) {
                log.printf(Locale.ROOT, "precrop-%s at density %.4f: widths %s%n", r.criterion(), r.density(),
                        widths.widths());
            }
            if (r.epochs() > 0) {
                if (r.train() == null) {
                    throw new UserError("--finetune-epochs needs training images: give --dataset and --data-dir");
                }
                long tf = System.nanoTime();
                StructuralPruneJob.Request tr = new StructuralPruneJob.Request(r.arch(), null, r.evalImages(), null,
                        r.train(), r.epochs(), r.learningRate(), r.batchSize(), r.seed(), r.latencyRepetitions(),
                        r.out(), null, null);
                TrainingResult result = StructuralPruneJob.train(cropped, TrainingObjective.CROSS_ENTROPY, r.epochs(), tr,
                        "training from scratch");
                report.put("train_seconds", StructuralPruneJob.round((System.nanoTime() - tf) / 1e9, 1));
                report.put("train_epochs", r.epochs());
                report.put("train_images", r.train().size());
                report.put("last_train_loss", result.epochs().get(result.epochs().size() - 1).trainLoss());
            }
            if (r.evalImages() != null) {
                report.put("accuracy", StructuralPruneJob.accuracy(cropped, r.evalImages()));
                report.put("eval_images", r.evalImages().size());
            }
            ObjectNode latency = report.putObject("latency_ms");
            for (int batch : new int[] {1, 64}) {
                LatencyMeter.Comparison c = LatencyMeter.compare(dense::forward, cropped::forward, image, batch, 3,
                        r.latencyRepetitions());
                ObjectNode b = latency.putObject("batch_" + batch);
                b.set("dense", StructuralPruneJob.stats(mapper, c.dense()));
                b.set("cropped", StructuralPruneJob.stats(mapper, c.pruned()));
                b.put("speedup", StructuralPruneJob.round(c.speedup(), 3));
            }
            StructuralPruneJob.save(cropped, r.out(), false);
            report.put("file_bytes", Files.size(r.out()));
            report.put("out", r.out().toString());
            report.put("seconds", StructuralPruneJob.round((System.nanoTime() - started) / 1e9, 1));
            return report;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Per prunable weight, the fraction the criterion's global mask keeps on the seeded network. */
    static Map<String, Double> densities(Request r, NDManager parent, Shape image) {
        try (NDManager manager = parent.newSubManager()) {
            VisionModel model = VisionModels.create(r.arch(), manager, r.seed());
            Map<String, Double> out = new LinkedHashMap<>();
            if (r.density() == 1) {
                Prunable.weights(model).keySet().forEach(k -> out.put(k, 1.0));
                return out;
            }
            Network net = StructuralPruneJob.network(model);
            double sparsity = 1 - r.density();
            Map<String, PruningMask> masks;
            if (r.criterion().equals("synflow")) {
                masks = PruningAtInitialization.iterative(net, new SynFlowSaliency(image.getShape()), new GlobalAllocation(),
                        sparsity, r.synflowIterations());
            } else {
                if (r.scoring() == null) {
                    throw new UserError("--method precrop-" + r.criterion() + " scores on training images: give --dataset"
                            + " and --data-dir (precrop-synflow needs no data)");
                }
                if (r.scoreExamples() > r.scoring().size()) {
                    throw new UserError("--score-examples " + r.scoreExamples() + ": more than the " + r.scoring().size()
                            + " training images");
                }
                DataLoader batch = new DataLoader(r.scoring(), r.scoreExamples(), true, false, Augmentation.NONE, r.seed());
                if (r.criterion().equals("snip")) {
                    masks = PruningAtInitialization.oneShot(net, new SnipSaliency(batch, 1), new GlobalAllocation(), sparsity);
                } else {
                    masks = PruningAtInitialization.oneShot(net, new GraspSaliency(batch, 1, GraspSaliency.DEFAULT_TEMPERATURE),
                            new GlobalAllocation(), sparsity);
                }
            }
            masks.forEach((k, m) -> out.put(k, 1 - m.sparsity()));
            for (Map.Entry<String, Double> e : out.entrySet()) {
                if (!(e.getValue() > 0)) {
                    throw new UserError(String.format(Locale.ROOT, "precrop-%s at density %s pruned every weight of %s"
                            + " (layer collapse); PreCropping needs at least one weight per layer: raise --density",
                            r.criterion(), r.density(), e.getKey()));
                }
            }
            return out;
        }
    }

    /** The group (prunable) whose member is {@code module}'s {@code role} side, or {@link PreCropWidths#FIXED}. */
    private static int group(DependencyGraph graph, String module, Role role) {
        for (Group g : graph.prunableGroups()) {
            for (Member m : g.members()) {
                if (m.module().equals(module) && m.role() == role) {
                    return g.id();
                }
            }
        }
        return PreCropWidths.FIXED;
    }

    /** A new model of the architecture, narrowed to {@code widths} (last channels removed), freshly initialised. */
    static VisionModel crop(Request r, NDManager manager, Shape image, Map<Integer, Integer> widths) {
        VisionModel model = VisionModels.create(r.arch(), manager, r.seed());
        DependencyGraph graph = DependencyGraph.build(model, model::forward, image);
        for (Map.Entry<Integer, Integer> e : widths.entrySet()) {
            int dense = graph.groups().get(e.getKey()).width();
            if (e.getValue() < dense) {
                graph = graph.prune(e.getKey(), IntStream.range(e.getValue(), dense).toArray());
            }
        }
        FreshInitialization.reinitialize(model, r.seed());
        return model;
    }
}
