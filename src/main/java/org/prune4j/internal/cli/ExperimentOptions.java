package org.prune4j.internal.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the experiment commands ({@code train}, {@code lottery}), mixed into each. */
final class ExperimentOptions {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder holding the run folders.")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset files are (see Datasets).")
    Path dataDir;

    @Option(names = "--json", description = "Print one JSON object with the results (the recipe under recipe).")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads (0: the engine's default). 1 is fastest for small networks on a busy machine.")
    int threads;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();
}
