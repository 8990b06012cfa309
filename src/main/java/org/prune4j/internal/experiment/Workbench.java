package org.prune4j.internal.experiment;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.data.Augmentation;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.data.DatasetLocation;
import org.prune4j.internal.data.Datasets;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.train.Network;
import org.prune4j.internal.train.TrainingConfig;

/**
 * What an experiment trains on, from its {@link TrainingSettings}: the dataset splits (normalised with
 * the dataset's own statistics, since the networks are trained from scratch), loaders, fresh models and
 * the trainer configuration.
 */
final class Workbench {
    /** Evaluation batch size (does not change results). */
    static final int EVAL_BATCH = 1000;

    private final TrainingSettings settings;
    private final VisionSpec spec;
    private final Dataset train;
    private final Dataset test;

    private Workbench(TrainingSettings settings, VisionSpec spec, Dataset train, Dataset test) {
        this.settings = settings;
        this.spec = spec;
        this.train = train;
        this.test = test;
    }

    /** Loads the dataset named in {@code settings} from {@code dataDir} (or its usual places). */
    static Workbench load(TrainingSettings settings, Path dataDir) {
        VisionSpec spec = VisionModels.spec(settings.model());
        DatasetLocation loc = Datasets.find(settings.dataset(), dataDir);
        Dataset train = loc.train();
        Dataset test = loc.test();
        if (train.channels() != spec.channels() || train.height() != spec.height() || train.width() != spec.width()) {
            throw new UserError("--model " + spec.name() + " takes " + spec.channels() + "x" + spec.height() + "x"
                    + spec.width() + " images; --dataset " + settings.dataset() + " has " + train.channels() + "x"
                    + train.height() + "x" + train.width());
        }
        if (train.numClasses() != spec.numClasses()) {
            throw new UserError("--model " + spec.name() + " has " + spec.numClasses() + " outputs; --dataset "
                    + settings.dataset() + " has " + train.numClasses() + " classes");
        }
        return new Workbench(settings, spec, train, test);
    }

    TrainingSettings settings() {
        return settings;
    }

    VisionSpec spec() {
        return spec;
    }

    Dataset trainSet() {
        return train;
    }

    DataLoader trainLoader() {
        if (train.size() < settings.batchSize()) {
            throw new UserError("--batch-size " + settings.batchSize() + ": larger than the " + train.size()
                    + " training examples");
        }
        return DataLoader.training(train, settings.batchSize(),
                settings.augment() ? Augmentation.CROP_AND_FLIP : Augmentation.NONE, settings.seed());
    }

    DataLoader testLoader() {
        return DataLoader.evaluation(test, EVAL_BATCH);
    }

    /** A freshly initialised network whose parameters live in {@code manager}. */
    Network create(NDManager manager, long seed) {
        return new VisionNetwork(VisionModels.create(settings.model(), manager, seed));
    }

    /** Total training steps of one run. */
    long totalSteps() {
        return trainLoader().batchesPerEpoch() * (long) settings.epochs();
    }

    TrainingConfig config(Path checkpoint, String label) {
        return new TrainingConfig(settings.epochs(), settings.optimizerSettings(),
                settings.schedule(trainLoader().batchesPerEpoch()), checkpoint, label);
    }
}
