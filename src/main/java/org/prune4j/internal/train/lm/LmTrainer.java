package org.prune4j.internal.train.lm;

import org.prune4j.api.report.TrainingPoint;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.InPlaceCopy;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.report.ProgressBar;
import org.prune4j.internal.train.Autograd;

/**
 * Trains chosen parameters of a language model on token windows: AdamW, linear warm-up and cosine decay,
 * gradient accumulation, global-norm clipping, a validation loss with early stopping (when patience runs
 * out, the parameters of the best validation loss are restored), progress bars on stderr, and a checkpoint that an interrupted run resumes from.
 *
 * <p>Each micro-batch runs in its own sub-manager, closed before the next, so a long run does not grow.
 * Pruning masks on the trained parameters are honoured (see {@link AdamW}).
 */
public final class LmTrainer {
    private final LmTrainingSettings settings;
    private final PrintStream log;

    public LmTrainer(LmTrainingSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** The loss of a batch of windows {@code ids [B, T]}: a scalar in {@code scope}, differentiable. */
    @FunctionalInterface
    public interface Objective {
        NDArray loss(NDArray ids, NDManager scope);
    }

    /** One logged point: the mean training loss since the previous point, and the validation loss if measured. */
    // Logged points are {@link TrainingPoint}s (an API value: recovery reports carry them).

    /**
     * @param steps optimiser steps taken (including those before a resume)
     * @param tokensSeen training tokens consumed
     * @param seconds wall time of this invocation
     * @param history logged points
     * @param stoppedEarly true when patience ran out
     * @param bestValidationLoss the best validation loss (null without validation)
     * @param resumedFromStep the step a checkpoint resumed from (0: a fresh run)
     */
    public record Result(long steps, long tokensSeen, double seconds, List<TrainingPoint> history, boolean stoppedEarly,
            Double bestValidationLoss, long resumedFromStep) {}

    /**
     * Trains {@code trainable} (by name) on {@code data} with {@code objective}; {@code validation} (may be
     * the same function) scores validation windows without gradients. {@code onValidation} is called after
     * each validation with the step (e.g. to measure perplexity for a plot); may be null.
     */
    public Result train(Map<String, Parameter> trainable, TokenWindowSet data, Objective objective,
            Objective validation, NDManager parent, java.util.function.LongConsumer onValidation) {
        long started = System.nanoTime();
        int bpe = data.batchesPerEpoch(settings.batchSize());
        long total = settings.totalSteps(bpe);
        long tokensPerMicro = (long) Math.min(settings.batchSize(), data.trainWindows()) * data.seqLen();
        List<TrainingPoint> history = new ArrayList<>();
        Map<String, NDArray> best = new LinkedHashMap<>();
        Double bestVal = null;
        int sinceBest = 0;
        boolean stopped = false;
        long step = 0;
        long resumed = 0;
        try (NDManager keep = parent.newSubManager(); AdamW adam = new AdamW(parent, settings.weightDecay())) {
            if (settings.checkpoint() != null && Files.exists(settings.checkpoint())) {
                ResumeState r = resume(trainable, best, keep, adam);
                step = r.step;
                resumed = step;
                bestVal = r.bestVal;
                sinceBest = r.sinceBest;
                history.addAll(r.history);
                log.printf(Locale.ROOT, "resuming from %s at step %d of %d%n", settings.checkpoint(), step, total);
            }
            trainable.values().forEach(p -> p.value().setRequiresGradient(true));
            double lossSum = 0;
            int lossCount = 0;
            try (ProgressBar bar = ProgressBar.start("training", total - step)) {
                while (step < total && !stopped) {
                    double lr = settings.learningRateAt(step, total);
                    try (NDManager scope = parent.newSubManager()) {
                        for (int k = 0; k < settings.accumulation(); k++) {
                            long micro = step * settings.accumulation() + k;
                            int[][] rows = data.batch(micro / bpe, (int) (micro % bpe), settings.batchSize());
                            NDArray ids = toArray(scope, rows);
                            NDArray loss = Autograd.backward(() -> objective.loss(ids, scope));
                            lossSum += loss.getFloat();
                            lossCount++;
                        }
                        Map<String, NDArray> grads = new LinkedHashMap<>();
                        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
                            NDArray g = Autograd.gradient(e.getValue().value(), scope);
                            Autograd.zeroGradient(e.getValue().value());
                            if (g != null) {
                                if (settings.accumulation() > 1) {
                                    g.divi(settings.accumulation());
                                }
                                grads.put(e.getKey(), g);
                            }
                        }
                        clip(grads, scope);
                        boolean first = true;
                        for (Map.Entry<String, NDArray> e : grads.entrySet()) {
                            adam.update(e.getKey(), trainable.get(e.getKey()), e.getValue(), lr, scope, first);
                            first = false;
                        }
                    }
                    step++;
                    bar.step();
                    boolean validate = step == total || (settings.evalEvery() > 0 && step % settings.evalEvery() == 0);
                    if (validate) {
                        Double val = data.validationWindows() == 0 ? null : validationLoss(data, validation, parent);
                        history.add(new TrainingPoint(step, lossSum / Math.max(1, lossCount), val, lr));
                        lossSum = 0;
                        lossCount = 0;
                        if (val != null) {
                            if (bestVal == null || val < bestVal) {
                                bestVal = val;
                                sinceBest = 0;
                                snapshot(trainable, best, keep);
                            } else if (settings.patience() > 0 && ++sinceBest >= settings.patience()) {
                                stopped = true;
                            }
                        }
                        if (settings.checkpoint() != null) {
                            save(trainable, best, adam, step, bestVal, sinceBest, history);
                        }
                        if (onValidation != null) {
                            onValidation.accept(step);
                        }
                    }
                }
            } finally {
                trainable.values().forEach(p -> p.value().setRequiresGradient(false));
            }
            if (stopped && !best.isEmpty()) {
                best.forEach((name, v) -> InPlaceCopy.copy(trainable.get(name).value(), v.toFloatArray(), name));
                log.printf(Locale.ROOT, "restored the parameters of the best validation loss %.4f%n", bestVal);
            }
        }
        return new Result(step, step * settings.accumulation() * tokensPerMicro, (System.nanoTime() - started) / 1e9, history,
                stopped, bestVal, resumed);
    }

    private static void snapshot(Map<String, Parameter> trainable, Map<String, NDArray> best, NDManager keep) {
        best.values().forEach(NDArray::close);
        best.clear();
        trainable.forEach((k, p) -> {
            NDArray c = p.value().duplicate();
            c.attach(keep);
            best.put(k, c);
        });
    }

    private void clip(Map<String, NDArray> grads, NDManager scope) {
        if (settings.clipNorm() <= 0 || grads.isEmpty()) {
            return;
        }
        double sq = 0;
        for (NDArray g : grads.values()) {
            NDArray s = g.square().sum();
            s.attach(scope);
            sq += s.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        }
        double norm = Math.sqrt(sq);
        if (norm > settings.clipNorm()) {
            double f = settings.clipNorm() / (norm + 1e-6);
            grads.values().forEach(g -> g.muli(f));
        }
    }

    private double validationLoss(TokenWindowSet data, Objective validation, NDManager parent) {
        int[][] val = data.validation();
        double sum = 0;
        int n = 0;
        for (int from = 0; from < val.length; from += settings.batchSize()) {
            int to = Math.min(val.length, from + settings.batchSize());
            try (NDManager scope = parent.newSubManager()) {
                int[][] rows = java.util.Arrays.copyOfRange(val, from, to);
                sum += validation.loss(toArray(scope, rows), scope).getFloat() * (to - from);
                n += to - from;
            }
        }
        return sum / n;
    }

    static NDArray toArray(NDManager scope, int[][] rows) {
        int t = rows[0].length;
        int[] flat = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * t, t);
        }
        return scope.create(flat, new Shape(rows.length, t));
    }

    private record ResumeState(long step, Double bestVal, int sinceBest, List<TrainingPoint> history) {}

    private static final String BEST = "best/";

    private void save(Map<String, Parameter> trainable, Map<String, NDArray> best, AdamW adam, long step, Double bestVal,
            int sinceBest, List<TrainingPoint> history) {
        Map<String, TensorData> t = new LinkedHashMap<>();
        trainable.forEach((k, p) -> t.put(k, TensorData.of(p.value())));
        best.forEach((k, v) -> t.put(BEST + k, TensorData.of(v)));
        t.putAll(adam.stateTensors());
        StringBuilder h = new StringBuilder();
        for (TrainingPoint p : history) {
            h.append(p.step()).append(',').append(p.trainLoss()).append(',')
                    .append(p.validationLoss() == null ? "" : p.validationLoss()).append(',').append(p.learningRate())
                    .append(';');
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(step));
        meta.put("adam_steps", Long.toString(adam.stepsTaken()));
        meta.put("best_validation_loss", bestVal == null ? "" : Double.toString(bestVal));
        meta.put("since_best", Integer.toString(sinceBest));
        meta.put("history", h.toString());
        SafetensorsWriter.write(settings.checkpoint(), t, meta);
    }

    private ResumeState resume(Map<String, Parameter> trainable, Map<String, NDArray> best, NDManager keep, AdamW adam) {
        try (SafetensorsFile f = SafetensorsFile.open(settings.checkpoint())) {
            Map<String, TensorData> state = new LinkedHashMap<>();
            for (String name : f.names()) {
                state.put(name, f.get(name));
            }
            for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
                TensorData v = state.get(e.getKey());
                if (v == null || !java.util.Arrays.equals(v.shape(), e.getValue().value().getShape().getShape())) {
                    throw new UserError(settings.checkpoint() + ": does not hold " + e.getKey() + " with the shape of this "
                            + "run; delete it or choose another --checkpoint");
                }
                InPlaceCopy.copy(e.getValue().value(), v.toFloats(), e.getKey());
                TensorData b = state.get(BEST + e.getKey());
                if (b != null) {
                    best.put(e.getKey(), b.toNDArray(keep));
                }
            }
            Map<String, String> m = f.metadata();
            adam.restore(state, Long.parseLong(m.get("adam_steps")));
            List<TrainingPoint> history = new ArrayList<>();
            for (String p : m.get("history").split(";")) {
                if (p.isEmpty()) {
                    continue;
                }
                String[] v = p.split(",", -1);
                history.add(new TrainingPoint(Long.parseLong(v[0]), Double.parseDouble(v[1]),
                        v[2].isEmpty() ? null : Double.parseDouble(v[2]), Double.parseDouble(v[3])));
            }
            String bestLoss = m.get("best_validation_loss");
            return new ResumeState(Long.parseLong(m.get("step")), bestLoss.isEmpty() ? null : Double.parseDouble(bestLoss),
                    Integer.parseInt(m.get("since_best")), history);
        } catch (RuntimeException e) {
            if (e instanceof UserError) {
                throw e;
            }
            throw new UserError(settings.checkpoint() + ": not a training checkpoint of prune4j (" + e.getMessage() + ")");
        }
    }
}
