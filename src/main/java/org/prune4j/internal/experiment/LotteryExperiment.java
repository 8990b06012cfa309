package org.prune4j.internal.experiment;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.prune.training.IterativeMagnitudePruning;
import org.prune4j.internal.prune.training.LotteryControls;
import org.prune4j.internal.prune.training.PrunableTensors;
import org.prune4j.internal.prune.training.RewindPoint;
import org.prune4j.internal.prune.training.WeightSnapshot;
import org.prune4j.internal.train.Checkpoints;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.Prunable;
import org.prune4j.internal.train.Trainer;
import org.prune4j.internal.train.TrainingListener;
import org.prune4j.internal.train.TrainingResult;

/**
 * {@code prune4j lottery}: iterative magnitude pruning with rewinding (Frankle & Carbin 2019; Frankle et
 * al. 2020). Level 0 trains the dense network and saves the rewind point (the initialisation, or the
 * weights after {@code --rewind-iter} steps); each level then prunes {@code --rate} of the surviving
 * weights of the previous level's trained network, rewinds the survivors and trains again from the
 * rewind step. Every level is saved ({@code level-NN/checkpoint.safetensors}, {@code level-NN/result.json}
 * written last), so an interrupted run resumes at the first unfinished level.
 *
 * <p>A control run ({@code --control reinit|random-mask}) first finds or runs the matching run without
 * control, then trains, level by level, its tickets' masks with a fresh initialisation (reinit) or random
 * masks of the tickets' per-layer sparsity with the tickets' rewind weights (random-mask), from the same
 * rewind step.
 */
public final class LotteryExperiment {
    public static final String COMMAND = "lottery";
    static final String REWIND = "rewind.safetensors";
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String LEVEL_RESULT = "result.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private LotteryExperiment() {}

    /** The run's identity. */
    public static RunId id(TrainingSettings training, LotterySettings lottery) {
        Map<String, Record> s = new LinkedHashMap<>();
        s.put("training", training);
        s.put("lottery", lottery);
        return RunId.of(COMMAND, s);
    }

    /** Runs (or finds, or resumes) the experiment under {@code out}; progress lines go to {@code err}. */
    public static Outcome run(TrainingSettings ts, LotterySettings ls, Path out, Path dataDir, PrintStream err) {
        RunDirectory dir = RunDirectory.of(out, id(ts, ls));
        if (dir.isFinished()) {
            return new Outcome(COMMAND, dir.path(), dir.results(), true, 0);
        }
        long started = System.nanoTime();
        Outcome parent = ls.control().equals("none") ? null : run(ts, ls.withoutControl(), out, dataDir, err);
        Workbench wb = Workbench.load(ts, dataDir);
        if (ls.rewindIter() >= wb.totalSteps()) {
            throw new UserError("--rewind-iter " + ls.rewindIter() + ": beyond the run's " + wb.totalSteps() + " steps");
        }
        dir.prepare();
        dir.log("start", Map.of("run", dir.id().folderName()));
        List<ResultRow> rows = parent == null ? tickets(wb, ls, dir, err) : controls(wb, ls, dir, parent, err);
        writePlot(ts, ls, out, dir, parent, rows);
        dir.log("finish", Map.of("levels", rows.size()));
        dir.finish(rows);
        return new Outcome(COMMAND, dir.path(), dir.results(), false, (System.nanoTime() - started) / 1e9);
    }

    private static List<ResultRow> tickets(Workbench wb, LotterySettings ls, RunDirectory dir, PrintStream err) {
        List<ResultRow> rows = new ArrayList<>();
        IterativeMagnitudePruning imp = new IterativeMagnitudePruning(ls.rate(), AllocationChoice.of(ls.allocation()));
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = wb.create(manager, wb.settings().seed());
            WeightSnapshot rewind = null;
            for (int level = 0; level <= ls.levels(); level++) {
                Path levelDir = dir.subdirectory(levelName(level));
                ResultRow done = readLevel(levelDir);
                if (done != null) {
                    Checkpoints.load(levelDir.resolve(CHECKPOINT), net.module());
                    rows.add(done);
                    err.printf(Locale.ROOT, "[%s] level %d already trained: density %.2f%%, accuracy %.2f%%%n",
                            dir.id().folderName(), level, 100 * done.density(), 100 * done.testAccuracy());
                    continue;
                }
                long startStep = 0;
                RewindPoint capture = null;
                if (level == 0) {
                    capture = new RewindPoint(ls.rewindIter());
                } else {
                    if (rewind == null) {
                        rewind = WeightSnapshot.load(dir.path().resolve(REWIND));
                    }
                    imp.pruneToLevel(net.module(), level);
                    rewind.rewind(net.module());
                    startStep = ls.rewindIter();
                }
                ResultRow row = trainLevel(wb, net, dir, levelDir, level, ls.levels(), startStep,
                        capture == null ? TrainingListener.none() : capture, err);
                if (capture != null) {
                    rewind = capture.snapshot();
                    rewind.save(dir.path().resolve(REWIND));
                }
                writeLevel(levelDir, row);
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<ResultRow> controls(Workbench wb, LotterySettings ls, RunDirectory dir, Outcome parent,
            PrintStream err) {
        List<ResultRow> rows = new ArrayList<>();
        rows.add(parent.rows().get(0)); // the dense network is shared
        long seed = wb.settings().seed();
        WeightSnapshot rewind = WeightSnapshot.load(parent.directory().resolve(REWIND));
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = wb.create(manager, seed);
            for (int level = 1; level <= ls.levels(); level++) {
                Path levelDir = dir.subdirectory(levelName(level));
                ResultRow done = readLevel(levelDir);
                if (done != null) {
                    rows.add(done);
                    continue;
                }
                Checkpoints.load(parent.directory().resolve(levelName(level)).resolve(CHECKPOINT), net.module());
                Map<String, PruningMask> ticketMasks = LotteryControls.masksOf(net.module());
                if (ls.control().equals("reinit")) {
                    try (NDManager scratch = manager.newSubManager()) {
                        Network fresh = wb.create(scratch, seed + 1000L * level + 1);
                        LotteryControls.reinitialize(net.module(), fresh.module()); // keeps the ticket's masks
                    }
                } else {
                    LotteryControls.applyMasks(net.module(), LotteryControls.randomMasks(ticketMasks, seed + level));
                    rewind.rewind(net.module());
                }
                ResultRow row = trainLevel(wb, net, dir, levelDir, level, ls.levels(), ls.rewindIter(),
                        TrainingListener.none(), err);
                writeLevel(levelDir, row);
                rows.add(row);
            }
        }
        return rows;
    }

    private static ResultRow trainLevel(Workbench wb, Network net, RunDirectory dir, Path levelDir, int level,
            int levels, long startStep, TrainingListener extra, PrintStream err) {
        double density = PrunableTensors.density(Prunable.weights(net.module()));
        String prefix = String.format(Locale.ROOT, "[%s level %d/%d, %.2f%% of weights]", dir.id().folderName(), level,
                levels, 100 * density);
        long t0 = System.nanoTime();
        TrainingResult r = new Trainer(wb.config(levelDir.resolve(CHECKPOINT), "level " + level)).train(net,
                wb.trainLoader(), wb.testLoader(),
                TrainingListener.all(extra, new EpochReporter(dir, err, prefix, level, wb.settings().epochs())), startStep);
        return new ResultRow(level, density, r.last().test().accuracy(), r.best().test().accuracy(), r.best().epoch(),
                (System.nanoTime() - t0) / 1e9);
    }

    static String levelName(int level) {
        return String.format(Locale.ROOT, "level-%02d", level);
    }

    private static ResultRow readLevel(Path levelDir) {
        Path f = levelDir.resolve(LEVEL_RESULT);
        if (!Files.isRegularFile(f) || !Files.isRegularFile(levelDir.resolve(CHECKPOINT))) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), ResultRow.class);
        } catch (IOException e) {
            throw new UserError(f + ": cannot read: " + e.getMessage());
        }
    }

    private static void writeLevel(Path levelDir, ResultRow row) {
        try {
            AtomicOutput.writeString(levelDir.resolve(LEVEL_RESULT), JSON.writeValueAsString(row));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePlot(TrainingSettings ts, LotterySettings ls, Path out, RunDirectory dir, Outcome parent,
            List<ResultRow> rows) {
        List<AccuracyPlot.Series> series = new ArrayList<>();
        String ticketName = ls.rewindIter() == 0 ? "winning tickets (rewind to init)"
                : "winning tickets (rewind to iteration " + ls.rewindIter() + ")";
        List<ResultRow> ticketRows = parent == null ? rows : parent.rows();
        series.add(AccuracyPlot.Series.of(ticketName, ticketRows));
        for (String control : List.of("reinit", "random-mask")) {
            List<ResultRow> controlRows = null;
            if (control.equals(ls.control())) {
                controlRows = rows;
            } else if (parent != null) {
                RunDirectory sibling = RunDirectory.of(out, id(ts, ls.withControl(control)));
                controlRows = sibling.isFinished() ? sibling.results() : null;
            }
            if (controlRows != null) {
                series.add(AccuracyPlot.Series.of(control.equals("reinit") ? "random reinitialisation"
                        : "random mask (same layer sparsity)", controlRows));
            }
        }
        String title = String.format(Locale.ROOT, "%s on %s: IMP, %s, %.0f%% per level", ts.model(), ts.dataset(),
                ls.allocation(), 100 * ls.rate());
        AccuracyPlot.write(dir.path().resolve(RunDirectory.PLOT), title, series, 100 * ticketRows.get(0).testAccuracy(),
                "dense network");
    }
}
