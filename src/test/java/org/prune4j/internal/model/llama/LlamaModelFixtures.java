package org.prune4j.internal.model.llama;

import java.nio.file.Path;
import org.prune4j.internal.io.hf.HfFormat;

/** Small models on disk for tests outside this package. */
public final class LlamaModelFixtures {
    private LlamaModelFixtures() {}

    /** Writes the tiny random tied model of {@link LlamaGradientTest#tiny} (vocab 32, width 16) as an HF directory. */
    public static void writeTinyHf(Path dir) {
        HfFormat.write(LlamaGradientTest.tiny(7, true), dir);
    }
}
