package org.prune4j.internal.cli;

import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.data.Datasets;
import org.prune4j.internal.model.vision.VisionSpec;

/** The training split of {@code --dataset}, normalised for an architecture, refused when its images do not fit it. */
final class TrainingImages {
    private TrainingImages() {}

    static Dataset read(String dataset, Path dataDir, VisionSpec spec, String arch) {
        Dataset train = Datasets.find(dataset, dataDir).train().withNormalization(spec.normalization());
        if (train.channels() != spec.channels() || train.height() != spec.height() || train.width() != spec.width()) {
            throw new UserError("--dataset " + dataset + ": images are " + train.channels() + "x" + train.height() + "x"
                    + train.width() + " but " + arch + " expects " + spec.channels() + "x" + spec.height() + "x"
                    + spec.width());
        }
        return train;
    }
}
