package org.prune4j.internal.pipeline.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.internal.io.AtomicOutput;

/** The report stage: where a report goes beside an output, and its JSON form (snake_case keys). */
public final class ReportFiles {
    private ReportFiles() {}

    /** Where the JSON report of an output goes: beside a file, inside a directory. */
    public static Path reportPath(Path out) {
        return Files.isDirectory(out) ? out.resolve("prune4j_report.json")
                : out.resolveSibling(out.getFileName() + ".report.json");
    }

    /** Serialises a report as indented JSON with snake_case keys ({@code dense_ppl}, {@code pruned_ppl}, ...). */
    public static String toJson(Object report) {
        return toJson(report, true);
    }

    /** Serialises a report as JSON, indented or on one line. */
    public static String toJson(Object report, boolean indent) {
        try {
            return new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, indent)
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise report", e);
        }
    }

    /** Writes the JSON text of a report beside (or inside) {@code out}, atomically. */
    public static void write(String reportJson, Path out) {
        AtomicOutput.writeString(reportPath(out), reportJson + "\n");
    }
}
