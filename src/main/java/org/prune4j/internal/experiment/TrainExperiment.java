package org.prune4j.internal.experiment;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.data.Augmentation;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.prune.allocation.SparsityAllocation;
import org.prune4j.internal.prune.training.CubicSparsitySchedule;
import org.prune4j.internal.prune.training.GradualMagnitudePruning;
import org.prune4j.internal.prune.training.GraspSaliency;
import org.prune4j.internal.prune.training.PrunableTensors;
import org.prune4j.internal.prune.training.PruningAtInitialization;
import org.prune4j.internal.prune.training.RandomSaliency;
import org.prune4j.internal.prune.training.SnipSaliency;
import org.prune4j.internal.prune.training.SynFlowSaliency;
import org.prune4j.internal.train.EpochResult;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.Prunable;
import org.prune4j.internal.train.Trainer;
import org.prune4j.internal.train.TrainingListener;
import org.prune4j.internal.train.TrainingResult;

/**
 * {@code prune4j train}: trains one network, dense, with gradual magnitude pruning, or after pruning it
 * at initialisation, in a run folder named by the hash of its settings. A finished folder is reused.
 */
public final class TrainExperiment {
    public static final String COMMAND = "train";

    private TrainExperiment() {}

    /** The run's identity. */
    public static RunId id(TrainingSettings training, PruningSettings pruning) {
        Map<String, Record> s = new LinkedHashMap<>();
        s.put("training", training);
        s.put("pruning", pruning);
        return RunId.of(COMMAND, s);
    }

    /** Runs (or finds) the experiment under {@code out}; progress lines go to {@code err}. */
    public static Outcome run(TrainingSettings ts, PruningSettings ps, Path out, Path dataDir, PrintStream err) {
        RunDirectory dir = RunDirectory.of(out, id(ts, ps));
        if (dir.isFinished()) {
            return new Outcome(COMMAND, dir.path(), dir.results(), true, 0);
        }
        long started = System.nanoTime();
        Workbench wb = Workbench.load(ts, dataDir);
        dir.prepare();
        dir.log("start", Map.of("run", dir.id().folderName()));
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = wb.create(manager, ts.seed());
            DataLoader train = wb.trainLoader();
            TrainingListener pruning = TrainingListener.none();
            SparsityAllocation allocation = AllocationChoice.of(ps.effectiveAllocation());
            String prefix = "[" + dir.id().folderName() + "]";
            if (ps.method().equals("gradual")) {
                long total = wb.totalSteps();
                long end = ps.endStep() < 0 ? Math.round(0.75 * total) : ps.endStep();
                if (end >= total || ps.beginStep() > end) {
                    throw new UserError("--begin-step " + ps.beginStep() + " / --end-step " + end
                            + ": must satisfy begin <= end < the run's " + total + " steps");
                }
                pruning = new GradualMagnitudePruning(new CubicSparsitySchedule(ps.initialSparsity(), ps.finalSparsity(),
                        ps.beginStep(), end, ps.frequency()), allocation);
            } else if (ps.atInitialization()) {
                long t0 = System.nanoTime();
                pruneAtInitialization(wb, net, ps, allocation);
                double density = PrunableTensors.density(Prunable.weights(net.module()));
                dir.log("pruned", Map.of("method", ps.method(), "density", density, "seconds",
                        (System.nanoTime() - t0) / 1e9));
                err.printf(java.util.Locale.ROOT, "%s pruned at initialisation with %s (%s): density %.2f%% (%.1f s)%n",
                        prefix, ps.method(), ps.effectiveAllocation(), 100 * density, (System.nanoTime() - t0) / 1e9);
            }
            long t0 = System.nanoTime();
            TrainingResult r = new Trainer(wb.config(dir.path().resolve("checkpoint.safetensors"), "train"))
                    .train(net, train, wb.testLoader(),
                            TrainingListener.all(pruning, new EpochReporter(dir, err, prefix, 0, ts.epochs())));
            double density = PrunableTensors.density(Prunable.weights(net.module()));
            List<ResultRow> rows = List.of(new ResultRow(0, density, r.last().test().accuracy(),
                    r.best().test().accuracy(), r.best().epoch(), (System.nanoTime() - t0) / 1e9));
            List<double[]> trajectory = new java.util.ArrayList<>();
            for (EpochResult e : r.epochs()) {
                trajectory.add(new double[] {100 * e.density(), 100 * e.test().accuracy()});
            }
            AccuracyPlot.write(dir.path().resolve(RunDirectory.PLOT),
                    ts.model() + " on " + ts.dataset() + ": " + ps.method() + " (one point per epoch)",
                    List.of(new AccuracyPlot.Series(ps.method(), trajectory)), Double.NaN, "");
            dir.log("finish", Map.of("density", density, "test_accuracy", r.last().test().accuracy()));
            dir.finish(rows);
            return new Outcome(COMMAND, dir.path(), dir.results(), false, (System.nanoTime() - started) / 1e9);
        }
    }

    private static void pruneAtInitialization(Workbench wb, Network net, PruningSettings ps, SparsityAllocation allocation) {
        if (ps.method().equals("random")) {
            PruningAtInitialization.oneShot(net, new RandomSaliency(wb.settings().seed()), allocation, ps.sparsity());
            return;
        }
        if (ps.method().equals("synflow")) {
            var spec = wb.spec();
            PruningAtInitialization.iterative(net, new SynFlowSaliency(new long[] {spec.channels(), spec.height(), spec.width()}),
                    allocation, ps.sparsity(), ps.synflowIterations());
            return;
        }
        if (ps.scoreExamples() > wb.trainSet().size()) {
            throw new UserError("--score-examples " + ps.scoreExamples() + ": more than the " + wb.trainSet().size()
                    + " training examples");
        }
        DataLoader scoring = new DataLoader(wb.trainSet(), ps.scoreExamples(), true, false, Augmentation.NONE,
                wb.settings().seed());
        var saliency = ps.method().equals("snip") ? new SnipSaliency(scoring, 1)
                : new GraspSaliency(scoring, 1, GraspSaliency.DEFAULT_TEMPERATURE);
        PruningAtInitialization.oneShot(net, saliency, allocation, ps.sparsity());
    }
}
