package org.prune4j.internal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunTest {
    @TempDir
    Path out;

    final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    @Test
    void lotteryRunWritesItsFolderAndIsFoundAgain() throws Exception {
        LotterySettings ls = new LotterySettings(2, 0.5, 2, "none", "global");
        Outcome first = LotteryExperiment.run(Fixtures.quickTraining(), ls, out, Fixtures.dataDir(), quiet);
        assertFalse(first.reused());
        assertEquals(3, first.rows().size());
        assertEquals(1.0, first.rows().get(0).density(), 0);
        assertEquals(0.5, first.rows().get(1).density(), 1e-3);
        assertEquals(0.25, first.rows().get(2).density(), 1e-3);
        Path dir = first.directory();
        assertEquals(LotteryExperiment.id(Fixtures.quickTraining(), ls).folderName(), dir.getFileName().toString());
        for (String f : List.of("settings.json", "results.csv", "log.jsonl", "accuracy.png", "rewind.safetensors",
                "level-00/checkpoint.safetensors", "level-02/result.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertTrue(ImageIO.read(dir.resolve("accuracy.png").toFile()).getWidth() > 0);
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals("level,density,test_accuracy,best_epoch_accuracy,best_epoch,seconds", csv.get(0));
        assertEquals(4, csv.size());

        Outcome again = LotteryExperiment.run(Fixtures.quickTraining(), ls, out, Fixtures.dataDir(), quiet);
        assertTrue(again.reused());
        assertEquals(first.rows(), again.rows());
    }

    @Test
    void anInterruptedRunResumesAtItsFirstUnfinishedLevel() throws Exception {
        LotterySettings ls = new LotterySettings(2, 0.5, 0, "none", "layerwise");
        Outcome first = LotteryExperiment.run(Fixtures.quickTraining(), ls, out, Fixtures.dataDir(), quiet);
        Path dir = first.directory();
        // simulate a crash during level 2: no results.csv, level 2 unfinished
        Files.delete(dir.resolve("results.csv"));
        Files.delete(dir.resolve("level-02/result.json"));
        long level1Time = Files.getLastModifiedTime(dir.resolve("level-01/checkpoint.safetensors")).toMillis();
        Outcome resumed = LotteryExperiment.run(Fixtures.quickTraining(), ls, out, Fixtures.dataDir(), quiet);
        assertFalse(resumed.reused());
        assertEquals(level1Time, Files.getLastModifiedTime(dir.resolve("level-01/checkpoint.safetensors")).toMillis());
        assertEquals(first.rows().subList(0, 2), resumed.rows().subList(0, 2));
        // level 2 retrained from the same state: the same masks and (deterministic) weights
        assertEquals(first.rows().get(2).density(), resumed.rows().get(2).density(), 0);
        assertEquals(first.rows().get(2).testAccuracy(), resumed.rows().get(2).testAccuracy(), 0);
    }

    @Test
    void controlsReuseTheTicketsOfTheRunWithoutControl() {
        LotterySettings ls = new LotterySettings(2, 0.5, 0, "none", "layerwise");
        Outcome reinit = LotteryExperiment.run(Fixtures.quickTraining(), ls.withControl("reinit"), out, Fixtures.dataDir(), quiet);
        RunDirectory parent = RunDirectory.of(out, LotteryExperiment.id(Fixtures.quickTraining(), ls));
        assertTrue(parent.isFinished(), "the tickets were trained first");
        Outcome random = LotteryExperiment.run(Fixtures.quickTraining(), ls.withControl("random-mask"), out, Fixtures.dataDir(), quiet);
        List<ResultRow> tickets = parent.results();
        for (int l = 0; l <= 2; l++) {
            assertEquals(tickets.get(l).density(), reinit.rows().get(l).density(), 1e-9);
            assertEquals(tickets.get(l).density(), random.rows().get(l).density(), 1e-9);
        }
        assertEquals(tickets.get(0), reinit.rows().get(0));
        assertTrue(Files.isRegularFile(random.directory().resolve("accuracy.png")));
    }

    @Test
    void trainRunsPruneAtInitialisationAndGradually() {
        for (String method : List.of("snip", "grasp", "synflow", "random")) {
            PruningSettings ps = new PruningSettings(method, 0.9, 0, 0.9, 0, -1, 100, "auto", 60, 5);
            Outcome o = TrainExperiment.run(Fixtures.quickTraining(), ps, out, Fixtures.dataDir(), quiet);
            assertEquals(0.1, o.rows().get(0).density(), 0.002, method);
        }
        TrainingSettings twoEpochs = new TrainingSettings("lenet-300-100", "fashion-mnist", 2, 60, "sgd", 0.05, 0.9, 1e-4,
                "cosine", "", 0.1, 2, false, 0);
        PruningSettings gradual = new PruningSettings("gradual", 0.9, 0.1, 0.8, 1, 8, 2, "auto", 100, 100);
        Outcome o = TrainExperiment.run(twoEpochs, gradual, out, Fixtures.dataDir(), quiet);
        assertEquals(0.2, o.rows().get(0).density(), 0.002);
        assertTrue(TrainExperiment.run(twoEpochs, gradual, out, Fixtures.dataDir(), quiet).reused());
    }
}
