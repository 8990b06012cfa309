package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.data.Augmentation;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.pytorch.StateDicts;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.nn.ConvKernels;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.WidthFitting;
import org.prune4j.internal.train.KnowledgeDistillation;
import org.prune4j.internal.train.LearningRateSchedule;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.OptimizerSettings;
import org.prune4j.internal.train.Trainer;
import org.prune4j.internal.train.TrainingConfig;
import org.prune4j.internal.train.TrainingListener;
import org.prune4j.internal.train.TrainingObjective;
import org.prune4j.internal.train.TrainingResult;

/**
 * One structural pruning run of a vision checkpoint: load → evaluate → sparsity-train (optional) → prune progressively to the target →
 * evaluate → fine-tune (optional) → evaluate → measure MACs, parameters and latency of dense vs pruned →
 * save (safetensors, the input's tensor names, reduced shapes, shortcut maps in the metadata) → report.
 */
public final class StructuralPruneJob {
    /**
     * What to run on.
     *
     * @param arch architecture name
     * @param checkpoint input checkpoint
     * @param evalImages before/after accuracy images, or null
     * @param calibration images for Taylor gradients, or null (then {@code evalImages})
     * @param train fine-tuning images, or null
     * @param finetuneEpochs epochs of fine-tuning (0 = none)
     * @param learningRate fine-tuning SGD learning rate (cosine decay)
     * @param batchSize fine-tuning batch size
     * @param seed fine-tuning order and random importance seed
     * @param latencyRepetitions timed repetitions per batch size
     * @param out output safetensors file
     * @param distillation fine-tune against the dense model as teacher, or null for plain cross-entropy
     * @param sparsity sparsity-inducing training of the dense model before scoring, or null for none
     */
    public record Request(String arch, Path checkpoint, Dataset evalImages, Dataset calibration, Dataset train,
            int finetuneEpochs, double learningRate, int batchSize, long seed, int latencyRepetitions, Path out,
            Distill distillation, SparsityTraining sparsity) {}

    /**
     * Training of the dense model with a sparsity-inducing regulariser before importance scoring (same
     * optimiser, learning rate, batch size and data as fine-tuning).
     *
     * @param epochs epochs &gt; 0
     * @param regularizer {@code group-norm} (group lasso over the dependency graph's groups) or {@code bn-l1}
     * @param lambda the regulariser's weight λ &gt; 0
     */
    public record SparsityTraining(int epochs, String regularizer, double lambda) {
        public SparsityTraining {
            if (epochs < 1) {
                throw new org.prune4j.UserError("--sparsity-train-epochs " + epochs + ": must be >= 1");
            }
            if (!(lambda > 0) || Double.isInfinite(lambda)) {
                throw new org.prune4j.UserError("--reg-lambda " + lambda + ": must be > 0");
            }
            if (!regularizer.equals("group-norm") && !regularizer.equals("bn-l1")) {
                throw new org.prune4j.UserError("--reg " + regularizer + ": expected group-norm or bn-l1");
            }
        }
    }

    /**
     * Distillation from the dense model while fine-tuning: loss {@code α · T² · KL(p_dense ‖ p_pruned) + (1 − α) ·
     * cross-entropy} with {@code p = softmax(logits / T)}.
     *
     * @param temperature {@code T > 0}
     * @param alpha {@code α} in [0, 1]
     */
    public record Distill(double temperature, double alpha) {
        public Distill {
            if (!(temperature > 0)) {
                throw new org.prune4j.UserError("--distill-temperature " + temperature + ": must be > 0");
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new org.prune4j.UserError("--distill-alpha " + alpha + ": must be in [0, 1]");
            }
        }
    }

    private final PrintStream log;

    public StructuralPruneJob(PrintStream log) {
        this.log = log;
    }

    /** Runs the job and returns the report. */
    public ObjectNode run(Request r, StructuralPruneSettings settings) {
        long started = System.nanoTime();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode report = mapper.createObjectNode();
        VisionSpec spec = VisionModels.spec(r.arch());
        Shape image = new Shape(spec.channels(), spec.height(), spec.width());
        boolean prefixed = hasModulePrefix(r.checkpoint());
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionModel dense = VisionModels.load(r.arch(), r.checkpoint(), manager);
            VisionModel model = VisionModels.load(r.arch(), r.checkpoint(), manager);
            report.put("arch", r.arch());
            report.put("method", settings.importance().getClass().getSimpleName());
            report.put("scope", settings.scope().name().toLowerCase(java.util.Locale.ROOT));
            report.put("target", settings.target().kind().name().toLowerCase(java.util.Locale.ROOT));
            report.put("target_keep", settings.target().keep());
            Map<String, Long> denseMacs = MacCounter.perLayer(dense, dense::forward, image);
            long paramsBefore = dense.parameterCount();
            if (r.evalImages() != null) {
                report.put("accuracy_before", accuracy(dense, r.evalImages()));
            }
            if (r.sparsity() != null) {
                sparsityTrain(model, r, image, report);
            }
            Dataset calib = r.calibration() != null ? r.calibration() : r.evalImages();
            if (settings.importance().needsGradients() && calib == null) {
                throw new org.prune4j.UserError("--method taylor needs calibration images: give --calib-images or --images");
            }
            if (settings.importance().needsGradients()) {
                report.put("calibration_images", Math.min(256, calib.size()));
                report.put("calibration_source", r.calibration() != null ? "calib-images" : "images");
            }
            long t0 = System.nanoTime();
            StructuralPruner.Result result = StructuralPruner.run(model, model::forward, image, settings,
                    () -> TaylorGradients.compute(model, calib, 256, 64), log);
            report.put("prune_seconds", round((System.nanoTime() - t0) / 1e9, 1));
            report.put("steps", result.steps());
            double accPruned = Double.NaN;
            if (r.evalImages() != null) {
                accPruned = accuracy(model, r.evalImages());
                report.put("accuracy_after_pruning", accPruned);
            }
            if (r.finetuneEpochs() > 0) {
                if (r.train() == null) {
                    throw new org.prune4j.UserError("--finetune-epochs needs training images: give --dataset and --data-dir");
                }
                long tf = System.nanoTime();
                TrainingResult tr = finetune(model, dense, r);
                report.put("finetune_seconds", round((System.nanoTime() - tf) / 1e9, 1));
                report.put("finetune_epochs", r.finetuneEpochs());
                report.put("finetune_train_images", r.train().size());
                report.put("finetune_last_train_loss", tr.epochs().get(tr.epochs().size() - 1).trainLoss());
                if (r.distillation() != null) {
                    report.put("distill_temperature", r.distillation().temperature());
                    report.put("distill_alpha", r.distillation().alpha());
                }
            }
            if (r.evalImages() != null) {
                report.put("accuracy_after", r.finetuneEpochs() > 0 ? accuracy(model, r.evalImages()) : accPruned);
                report.put("eval_images", r.evalImages().size());
            }
            Map<String, Long> prunedMacs = MacCounter.perLayer(model, model::forward, image);
            long macsBefore = denseMacs.values().stream().mapToLong(Long::longValue).sum();
            long macsAfter = prunedMacs.values().stream().mapToLong(Long::longValue).sum();
            report.put("macs_before", macsBefore);
            report.put("macs_after", macsAfter);
            report.put("macs_ratio", round((double) macsAfter / macsBefore, 4));
            report.put("params_before", paramsBefore);
            report.put("params_after", model.parameterCount());
            ObjectNode perLayer = report.putObject("macs_per_layer");
            denseMacs.forEach((k, v) -> {
                ObjectNode o = perLayer.putObject(k);
                o.put("dense", v);
                o.put("pruned", prunedMacs.getOrDefault(k, 0L));
            });
            ObjectNode widths = report.putObject("group_widths");
            result.widths().forEach((k, v) -> widths.putArray(k).add(v[0]).add(v[1]));
            report.put("conv_kernels", ConvKernels.mode().label());
            ObjectNode latency = report.putObject("latency_ms");
            for (int batch : new int[] {1, 64}) {
                LatencyMeter.Comparison c = LatencyMeter.compare(dense::forward, model::forward, image, batch, 3,
                        r.latencyRepetitions());
                ObjectNode b = latency.putObject("batch_" + batch);
                b.set("dense", stats(mapper, c.dense()));
                b.set("pruned", stats(mapper, c.pruned()));
                b.put("speedup", round(c.speedup(), 3));
            }
            save(model, r.out(), prefixed);
            report.put("file_bytes_before", Files.size(r.checkpoint()));
            report.put("file_bytes_after", Files.size(r.out()));
            report.put("out", r.out().toString());
            report.put("seconds", round((System.nanoTime() - started) / 1e9, 1));
            return report;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ObjectNode stats(ObjectMapper mapper, LatencyMeter.Stats s) {
        ObjectNode o = mapper.createObjectNode();
        o.put("median", round(s.medianMs(), 3));
        o.put("p25", round(s.p25Ms(), 3));
        o.put("p75", round(s.p75Ms(), 3));
        o.put("min", round(s.minMs(), 3));
        o.put("max", round(s.maxMs(), 3));
        o.put("repetitions", s.repetitions());
        return o;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static double accuracy(VisionModel model, Dataset data) {
        return ImageClassificationEval.evaluate(model, data, 100).accuracy();
    }

    /**
     * Trains {@code model} (dense, unpruned) with the request's regulariser and reports the regulariser's
     * unscaled value (sum of the group norms over the prunable groups, and Σ|γ| of the batch norms) before and
     * after, and the accuracy after.
     */
    static TrainingResult sparsityTrain(VisionModel model, Request r, Shape image, ObjectNode report) {
        if (r.train() == null) {
            throw new org.prune4j.UserError("--sparsity-train-epochs needs training images: give --dataset and --data-dir");
        }
        SparsityTraining st = r.sparsity();
        DependencyGraph graph = DependencyGraph.build(model, model::forward, image);
        SparsityRegularizer reg = SparsityRegularizer.of(st.regularizer(), st.lambda(), model, graph);
        SparsityRegularizer groupNorm = GroupNormRegularizer.of(graph, st.lambda());
        boolean hasBn = model.namedModules().values().stream().anyMatch(m -> m instanceof org.prune4j.internal.nn.BatchNorm2d);
        report.put("sparsity_train_epochs", st.epochs());
        report.put("reg", st.regularizer());
        report.put("reg_lambda", st.lambda());
        report.put("reg_group_norm_before", groupNorm.norm());
        if (hasBn) {
            report.put("reg_bn_l1_before", BatchNormL1.of(model, st.lambda()).norm());
        }
        long t0 = System.nanoTime();
        TrainingResult tr = train(model, reg.objective(), st.epochs(), r, "sparsity training");
        report.put("sparsity_train_seconds", round((System.nanoTime() - t0) / 1e9, 1));
        report.put("sparsity_train_last_loss", tr.epochs().get(tr.epochs().size() - 1).trainLoss());
        report.put("reg_group_norm_after", groupNorm.norm());
        if (hasBn) {
            report.put("reg_bn_l1_after", BatchNormL1.of(model, st.lambda()).norm());
        }
        if (r.evalImages() != null) {
            report.put("accuracy_after_sparsity_training", accuracy(model, r.evalImages()));
        }
        return tr;
    }

    static TrainingResult finetune(VisionModel model, VisionModel dense, Request r) {
        TrainingObjective objective = r.distillation() == null ? TrainingObjective.CROSS_ENTROPY
                : KnowledgeDistillation.objective(network(dense), r.distillation().temperature(), r.distillation().alpha());
        return train(model, objective, r.finetuneEpochs(), r, "fine-tuning");
    }

    static TrainingResult train(VisionModel model, TrainingObjective objective, int epochs, Request r, String what) {
        Network net = network(model);
        DataLoader train = DataLoader.training(r.train(), r.batchSize(), Augmentation.CROP_AND_FLIP, r.seed());
        DataLoader test = DataLoader.evaluation(r.evalImages() != null ? r.evalImages() : r.train(), 100);
        TrainingConfig cfg = new TrainingConfig(epochs, new OptimizerSettings.Sgd(r.learningRate(), 0.9, 5e-4,
                true), new LearningRateSchedule.Cosine(0), null, what);
        TrainingResult tr = new Trainer(cfg, objective).train(net, train, test, TrainingListener.none());
        model.train(false);
        return tr;
    }

    /** {@code model} as the trainer sees it. */
    static Network network(VisionModel model) {
        return new Network() {
            @Override
            public Module module() {
                return model;
            }

            @Override
            public NDArray forward(NDArray input) {
                return model.forward(input);
            }
        };
    }

    /** Writes the model as safetensors with the input's tensor names and the shortcut maps as metadata. */
    public static void save(Module model, Path out, boolean modulePrefix) {
        String prefix = modulePrefix ? "module." : "";
        Map<String, TensorData> sd = new LinkedHashMap<>();
        StateDicts.of(model).forEach((k, v) -> sd.put(prefix + k, v));
        Map<String, String> metadata = new LinkedHashMap<>(WidthFitting.shortcutMetadata(model, prefix));
        metadata.put("format", "pt");
        AtomicOutput.writeFile(out, os -> SafetensorsWriter.write(os, sd, metadata));
    }

    private static boolean hasModulePrefix(Path checkpoint) {
        String s = checkpoint.toString();
        if (s.endsWith(".safetensors")) {
            try (org.prune4j.internal.io.SafetensorsFile f = org.prune4j.internal.io.SafetensorsFile.open(checkpoint)) {
                return !f.names().isEmpty() && f.names().stream().allMatch(n -> n.startsWith("module."));
            }
        }
        Object root = org.prune4j.internal.io.pytorch.PyTorchCheckpoint.read(checkpoint);
        for (String key : new String[] {"state_dict", "model_state_dict", "model", "net"}) {
            if (root instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> inner) {
                root = inner;
                break;
            }
        }
        return root instanceof Map<?, ?> m && !m.isEmpty()
                && m.keySet().stream().allMatch(k -> k instanceof String n && n.startsWith("module."));
    }
}
