package org.prune4j.internal.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;

/** Reads and writes {@code results.csv} (written atomically). */
final class ResultsCsv {
    static final String HEADER = "level,density,test_accuracy,best_epoch_accuracy,best_epoch,seconds";

    private ResultsCsv() {}

    public static void write(Path file, List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ResultRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%d,%.1f%n", r.level(), r.density(),
                    r.testAccuracy(), r.bestAccuracy(), r.bestEpoch(), r.seconds()));
        }
        AtomicOutput.writeString(file, sb.toString());
    }

    public static List<ResultRow> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                throw new UserError(file + ": not a prune4j results file (header " + (lines.isEmpty() ? "missing" : lines.get(0)) + ")");
            }
            List<ResultRow> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                rows.add(new ResultRow(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Integer.parseInt(f[4]), Double.parseDouble(f[5])));
            }
            return rows;
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(file + ": cannot read results: " + e.getMessage());
        }
    }
}
