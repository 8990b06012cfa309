package org.prune4j.internal.experiment;

import java.nio.file.Path;
import java.util.List;

/**
 * A finished experiment run.
 *
 * @param command {@code train} or {@code lottery}
 * @param directory the run's folder
 * @param rows its results
 * @param reused true when the results were found from an earlier run and nothing was trained
 * @param seconds wall-clock seconds spent now (0 when reused)
 */
public record Outcome(String command, Path directory, List<ResultRow> rows, boolean reused, double seconds) {
    public Outcome {
        rows = List.copyOf(rows);
    }
}
