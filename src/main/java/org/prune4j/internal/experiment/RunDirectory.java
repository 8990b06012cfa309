package org.prune4j.internal.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;

/**
 * The folder of one run, {@code <out>/<command>-<hash>}: {@code settings.json}, an append-only JSON-lines
 * log {@code log.jsonl}, per-level sub-folders, the plot and, last of all, {@code results.csv}. A run is
 * finished exactly when {@code results.csv} exists; it is written atomically after everything else, so a
 * crash never leaves a half run looking finished (a re-run resumes or restarts it).
 */
final class RunDirectory {
    public static final String SETTINGS = "settings.json";
    public static final String RESULTS = "results.csv";
    public static final String LOG = "log.jsonl";
    public static final String PLOT = "accuracy.png";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final RunId id;

    private RunDirectory(Path dir, RunId id) {
        this.dir = dir;
        this.id = id;
    }

    /** The folder for {@code id} under {@code out} (not created yet). */
    public static RunDirectory of(Path out, RunId id) {
        return new RunDirectory(out.resolve(id.folderName()), id);
    }

    public Path path() {
        return dir;
    }

    public RunId id() {
        return id;
    }

    /** True when the run finished (its results file exists). */
    public boolean isFinished() {
        return Files.isRegularFile(dir.resolve(RESULTS));
    }

    /** The finished run's results. */
    public List<ResultRow> results() {
        return ResultsCsv.read(dir.resolve(RESULTS));
    }

    /**
     * Creates the folder and writes {@code settings.json}; an existing folder must hold the same settings
     * (it is an unfinished run being resumed).
     */
    public void prepare() {
        Path settings = dir.resolve(SETTINGS);
        try {
            Files.createDirectories(dir);
            if (Files.exists(settings)) {
                String existing = Files.readString(settings, StandardCharsets.UTF_8);
                if (!existing.equals(id.json())) {
                    throw new UserError(dir + ": holds a run with other settings (hash collision or edited settings.json);"
                            + " remove the folder or choose another --out");
                }
                return;
            }
        } catch (IOException e) {
            throw new UserError(dir + ": cannot create the run folder: " + e.getMessage());
        }
        AtomicOutput.writeString(settings, id.json());
    }

    /** Sub-folder {@code name} (created). */
    public Path subdirectory(String name) {
        Path p = dir.resolve(name);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UserError(p + ": cannot create: " + e.getMessage());
        }
        return p;
    }

    /** Appends one event (with a timestamp) to the JSON-lines log. */
    public void log(String event, Map<String, ?> fields) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", Instant.now().toString());
        n.put("event", event);
        fields.forEach((k, v) -> n.set(k, JSON.valueToTree(v)));
        try {
            Files.writeString(dir.resolve(LOG), JSON.writeValueAsString(n) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the results (atomically, last): from now on the run counts as finished. */
    public void finish(List<ResultRow> rows) {
        ResultsCsv.write(dir.resolve(RESULTS), rows);
    }
}
