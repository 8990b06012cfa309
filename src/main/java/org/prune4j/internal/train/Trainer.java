package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.data.Batch;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.report.ProgressBar;

/**
 * Trains a {@link Network} with mini-batch gradient descent, honouring pruning masks.
 *
 * <p>Every step runs in its own sub-manager of the parameters' manager (batch, forward graph, gradients
 * and optimiser temporaries are freed when it closes), so a long run does not grow. Masks are honoured
 * in the forward pass (masked weights are exactly zero) and in every update: gradients and optimiser
 * state are masked and the mask is re-applied after the update. The {@link DataLoader}'s order depends
 * only on its seed and the epoch, so a run that starts at step {@code k} (rewinding) sees the same
 * batches the full run saw from step {@code k} on.
 */
public final class Trainer {
    private final TrainingConfig config;
    private final TrainingObjective objective;

    /** A trainer that minimises the cross-entropy. */
    public Trainer(TrainingConfig config) {
        this(config, TrainingObjective.CROSS_ENTROPY);
    }

    /** A trainer that minimises {@code objective} (e.g. {@link KnowledgeDistillation#objective}). */
    public Trainer(TrainingConfig config, TrainingObjective objective) {
        this.config = config;
        this.objective = objective;
    }

    public TrainingConfig config() {
        return config;
    }

    /** Trains from step 0. */
    public TrainingResult train(Network network, DataLoader train, DataLoader test, TrainingListener listener) {
        return train(network, train, test, listener, 0);
    }

    /**
     * Trains from global step {@code startStep} (a run rewound to iteration {@code k} continues the
     * learning-rate schedule and the example order from there) to the end of the last epoch.
     */
    public TrainingResult train(Network network, DataLoader train, DataLoader test, TrainingListener listener,
            long startStep) {
        Map<String, Parameter> params = network.module().namedParameters();
        NDManager parent = Evaluator.anyParameter(network).value().getManager();
        long perEpoch = train.batchesPerEpoch();
        long total = perEpoch * config.epochs();
        if (startStep < 0 || startStep >= total) {
            throw new IllegalArgumentException("start step " + startStep + " outside the run's " + total + " steps");
        }
        List<EpochResult> epochs = new ArrayList<>();
        try (Optimizer optimizer = config.optimizer().create(parent)) {
            long step = startStep;
            for (int epoch = (int) (startStep / perEpoch); epoch < config.epochs(); epoch++) {
                long started = System.nanoTime();
                double lossSum = 0;
                long lossCount = 0;
                double lr = 0;
                long first = step - (long) epoch * perEpoch;
                try (ProgressBar bar = ProgressBar.start(config.label() + " " + (epoch + 1) + "/" + config.epochs(),
                        perEpoch - first)) {
                    for (long b = first; b < perEpoch; b++, step++) {
                        listener.beforeStep(step, total, network);
                        lr = config.optimizer().learningRate() * config.schedule().factor(step, total);
                        lossSum += step(network, params, train, epoch, (int) b, optimizer, lr, parent, objective);
                        lossCount++;
                        bar.step();
                    }
                }
                if (epoch == config.epochs() - 1) {
                    listener.afterTraining(total, network);
                }
                Evaluation eval = Evaluator.evaluate(network, test);
                EpochResult r = new EpochResult(epoch + 1, step, lossCount == 0 ? Double.NaN : lossSum / lossCount, eval,
                        lr, Prunable.density(network.module()), (System.nanoTime() - started) / 1e9);
                epochs.add(r);
                if (config.checkpoint() != null) {
                    Checkpoints.save(config.checkpoint(), network.module(), Map.of(
                            "epoch", Integer.toString(epoch + 1), "step", Long.toString(step)));
                }
                listener.afterEpoch(r);
            }
        } finally {
            for (Parameter p : params.values()) {
                p.value().setRequiresGradient(false);
            }
        }
        return new TrainingResult(epochs);
    }

    private static double step(Network network, Map<String, Parameter> params, DataLoader train, int epoch,
            int index, Optimizer optimizer, double lr, NDManager parent, TrainingObjective objective) {
        for (Parameter p : params.values()) {
            if (!p.value().hasGradient()) {
                p.value().setRequiresGradient(true);
            }
        }
        network.setTraining(true);
        try (NDManager scope = parent.newSubManager()) {
            Batch batch = train.batch(epoch, index, scope);
            NDArray loss = Autograd.backward(() -> objective.loss(network, batch));
            List<GradientUpdate> updates = new ArrayList<>(params.size());
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray g = Autograd.gradient(e.getValue().value(), scope);
                Autograd.zeroGradient(e.getValue().value());
                if (g != null) {
                    updates.add(new GradientUpdate(e.getKey(), e.getValue(), g));
                }
            }
            optimizer.step(updates, lr, scope);
            return loss.getFloat();
        }
    }
}
