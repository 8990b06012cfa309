package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import org.prune4j.internal.experiment.Outcome;
import org.prune4j.internal.experiment.ResultRow;

/** Prints an experiment's outcome: a small table, or exactly one JSON object with {@code --json}. */
final class ExperimentOutput {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private ExperimentOutput() {}

    /** Prints the outcome: one JSON object embedding {@code recipe} when it is given, else the table. */
    static void print(PrintWriter out, Outcome o, ObjectNode recipe) {
        if (recipe != null) {
            ObjectNode n = JSON.createObjectNode();
            n.put("command", o.command());
            n.put("run", o.directory().toString());
            n.put("reused", o.reused());
            n.put("seconds", o.seconds());
            ArrayNode rows = n.putArray("results");
            for (ResultRow r : o.rows()) {
                rows.add(JSON.valueToTree(r));
            }
            n.set("recipe", recipe);
            out.println(n.toString());
            out.flush();
            return;
        }
        out.println((o.reused() ? "found finished run " : "run ") + o.directory()
                + (o.reused() ? "" : String.format(Locale.ROOT, " (%.1f s)", o.seconds())));
        out.println("level  weights left  test accuracy  best (epoch)");
        for (ResultRow r : o.rows()) {
            out.println(String.format(Locale.ROOT, "%5d  %11.2f%%  %12.2f%%  %6.2f%% (%d)", r.level(), 100 * r.density(),
                    100 * r.testAccuracy(), 100 * r.bestAccuracy(), r.bestEpoch()));
        }
        out.flush();
    }
}
