package org.prune4j.internal.experiment;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The small Fashion-MNIST fixture (300 train / 300 test images, see src/test/resources/data/PROVENANCE.md). */
public final class Fixtures {
    private Fixtures() {}

    public static Path dataDir() {
        try {
            return Path.of(Fixtures.class.getResource("/data/PROVENANCE.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Quick settings for the fixture: LeNet-300-100, 1 epoch of 5 batches of 60. */
    public static TrainingSettings quickTraining() {
        return new TrainingSettings("lenet-300-100", "fashion-mnist", 1, 60, "adam", 1.2e-3, 0.9, 0, "constant", "", 0.1,
                0, false, 0);
    }
}
