package org.prune4j.internal.experiment;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.prune4j.internal.train.EpochResult;
import org.prune4j.internal.train.TrainingListener;

/** Logs every epoch to the run's JSON log and one line to standard error. */
final class EpochReporter implements TrainingListener {
    private final RunDirectory dir;
    private final PrintStream err;
    private final String prefix;
    private final int level;
    private final int epochs;

    EpochReporter(RunDirectory dir, PrintStream err, String prefix, int level, int epochs) {
        this.dir = dir;
        this.err = err;
        this.prefix = prefix;
        this.level = level;
        this.epochs = epochs;
    }

    @Override
    public void afterEpoch(EpochResult r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("level", level);
        f.put("epoch", r.epoch());
        f.put("step", r.step());
        f.put("train_loss", r.trainLoss());
        f.put("test_loss", r.test().loss());
        f.put("test_accuracy", r.test().accuracy());
        f.put("learning_rate", r.learningRate());
        f.put("density", r.density());
        f.put("seconds", r.seconds());
        dir.log("epoch", f);
        err.println(String.format(Locale.ROOT, "%s epoch %d/%d: train loss %.4f, test accuracy %.2f%%, density %.2f%%, %.1f s",
                prefix, r.epoch(), epochs, r.trainLoss(), 100 * r.test().accuracy(), 100 * r.density(), r.seconds()));
    }
}
