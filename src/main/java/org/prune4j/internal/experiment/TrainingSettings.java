package org.prune4j.internal.experiment;

import java.util.Arrays;
import java.util.List;
import org.prune4j.UserError;
import org.prune4j.internal.data.Datasets;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.train.LearningRateSchedule;
import org.prune4j.internal.train.OptimizerSettings;

/**
 * How a network is trained in an experiment; every component is a command-line flag (see {@link Flag})
 * and part of the run's identity (its folder hash).
 */
public record TrainingSettings(
        @Flag(name = "--model", label = "ARCH", description = "Vision architecture (lenet-300-100, lenet5, conv2/4/6, resnet20..56, vit-cifar-tiny).")
        String model,
        @Flag(name = "--dataset", label = "NAME", description = "Dataset: fashion-mnist, mnist or cifar10.")
        String dataset,
        @Flag(name = "--epochs", label = "N", description = "Training epochs (per level for lottery).")
        int epochs,
        @Flag(name = "--batch-size", label = "N", description = "Examples per training step.")
        int batchSize,
        @Flag(name = "--optimizer", label = "NAME", description = "sgd, adam or adamw.")
        String optimizer,
        @Flag(name = "--lr", label = "RATE", description = "Base learning rate.")
        double learningRate,
        @Flag(name = "--momentum", label = "M", description = "SGD momentum.")
        double momentum,
        @Flag(name = "--weight-decay", label = "L", description = "Weight decay (L2 for sgd/adam, decoupled for adamw).")
        double weightDecay,
        @Flag(name = "--lr-schedule", label = "NAME", description = "constant, step or cosine.")
        String lrSchedule,
        @Flag(name = "--lr-drops", label = "EPOCHS", description = "Step schedule: comma-separated epochs where the rate is multiplied by --lr-gamma.")
        String lrDrops,
        @Flag(name = "--lr-gamma", label = "G", description = "Step schedule: factor at each drop.")
        double lrGamma,
        @Flag(name = "--warmup-steps", label = "N", description = "Linear learning-rate warm-up steps.")
        long warmupSteps,
        @Flag(name = "--augment", description = "Random crop (pad 4) and horizontal flip while training.")
        boolean augment,
        @Flag(name = "--seed", label = "S", description = "Seed of the initialisation and the example order.")
        long seed) {

    /** Lottery-ticket recipe for LeNet-300-100 (Frankle & Carbin 2019): Adam 1.2e-3, batch 60. */
    public static final TrainingSettings DEFAULTS = new TrainingSettings("lenet-300-100", "fashion-mnist", 10, 60, "adam",
            1.2e-3, 0.9, 0.0, "constant", "", 0.1, 0, false, 0);

    public TrainingSettings {
        VisionModels.spec(model); // unknown name → UserError listing the valid ones
        dataset = Choices.oneOf("--dataset", dataset, Datasets.NAMES);
        Choices.atLeast("--epochs", epochs, 1);
        Choices.atLeast("--batch-size", batchSize, 1);
        optimizer = Choices.oneOf("--optimizer", optimizer, List.of("sgd", "adam", "adamw"));
        Choices.positive("--lr", learningRate);
        Choices.inRange("--momentum", momentum, 0, 1, false, true);
        Choices.inRange("--weight-decay", weightDecay, 0, 1, false, true);
        lrSchedule = Choices.oneOf("--lr-schedule", lrSchedule, List.of("constant", "step", "cosine"));
        lrDrops = lrDrops == null ? "" : lrDrops.replace(" ", "");
        long[] drops = parseDrops(lrDrops);
        if (lrSchedule.equals("step") && drops.length == 0) {
            throw new UserError("--lr-schedule step needs --lr-drops, e.g. --lr-drops 80,120");
        }
        Choices.inRange("--lr-gamma", lrGamma, 0, 1, true, false);
        Choices.atLeast("--warmup-steps", warmupSteps, 0);
        // options the chosen optimizer or schedule ignores are refused, so they can never change a run's hash
        if (!optimizer.equals("sgd") && momentum != 0.9) {
            throw new UserError("--momentum " + momentum + " applies to --optimizer sgd only (this run uses "
                    + optimizer + ")");
        }
        if (!lrSchedule.equals("step") && !lrDrops.isEmpty()) {
            throw new UserError("--lr-drops " + lrDrops + " applies to --lr-schedule step only (this run uses "
                    + lrSchedule + ")");
        }
        if (!lrSchedule.equals("step") && lrGamma != 0.1) {
            throw new UserError("--lr-gamma " + lrGamma + " applies to --lr-schedule step only (this run uses "
                    + lrSchedule + ")");
        }
    }

    private static long[] parseDrops(String s) {
        if (s.isEmpty()) {
            return new long[0];
        }
        try {
            long[] d = Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
            for (long v : d) {
                if (v < 1) {
                    throw new NumberFormatException();
                }
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UserError("--lr-drops " + s + ": expected comma-separated epochs >= 1, e.g. 80,120");
        }
    }

    /** The optimiser these settings describe. */
    public OptimizerSettings optimizerSettings() {
        return switch (optimizer) {
            case "sgd" -> new OptimizerSettings.Sgd(learningRate, momentum, weightDecay, false);
            case "adam" -> new OptimizerSettings.Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay, false);
            default -> new OptimizerSettings.Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay, true);
        };
    }

    /** The learning-rate schedule for a run with {@code stepsPerEpoch} steps per epoch. */
    public LearningRateSchedule schedule(long stepsPerEpoch) {
        LearningRateSchedule s = switch (lrSchedule) {
            case "step" -> new LearningRateSchedule.StepDecay(
                    Arrays.stream(parseDrops(lrDrops)).map(e -> e * stepsPerEpoch - warmupSteps).toArray(), lrGamma);
            case "cosine" -> new LearningRateSchedule.Cosine(0);
            default -> new LearningRateSchedule.Constant();
        };
        return warmupSteps == 0 ? s : new LearningRateSchedule.Warmup(warmupSteps, s);
    }
}
