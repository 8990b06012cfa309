package org.prune4j.internal.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the image fixtures in {@code src/test/resources/data} (see PROVENANCE.md there). */
final class DataFixtures {
    private DataFixtures() {}

    static Path dataDir() {
        try {
            return Path.of(DataFixtures.class.getResource("/data/PROVENANCE.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path mnistTestImages() {
        return dataDir().resolve("mnist/t10k-images-idx3-ubyte.gz");
    }

    static Path cifarTest() {
        return dataDir().resolve("cifar10/test_batch.bin");
    }
}
