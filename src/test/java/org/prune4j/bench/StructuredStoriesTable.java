package org.prune4j.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prune4j.internal.prune.structured.StructuredMethod;
import org.prune4j.internal.prune.structured.StructuredPruneJob;
import org.prune4j.api.report.StructuredReport;
import org.prune4j.internal.prune.structured.StructuredSettings;
import org.prune4j.internal.prune.structured.Units;
import org.prune4j.internal.prune.structured.WidthAllocation;

/**
 * The stories260K table of the structured methods (not a test): every method at {@code --ratio 0.2} and
 * {@code 0.5} with its defaults (cheapest first), the bundled protocol (128 calibration rows, 64 evaluation rows), run
 * in one JVM through the same {@link StructuredPruneJob} as {@code prune4j prune}; prints a Markdown row
 * per run with the equivalent command.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) org.prune4j.bench.StructuredStoriesTable OUT_DIR
 * </pre>
 */
public final class StructuredStoriesTable {
    private StructuredStoriesTable() {}

    public static void main(String[] args) throws Exception {
        Path outDir = Path.of(args.length > 0 ? args[0] : "structured-table");
        Files.createDirectories(outDir);
        record Run(String name, String options, StructuredMethod method, Units units, WidthAllocation allocation) {}
        List<Run> runs = new ArrayList<>();
        for (StructuredMethod m : List.of(StructuredMethod.MAGNITUDE_SP, StructuredMethod.BLOCK_INFLUENCE, StructuredMethod.ANGULAR,
                StructuredMethod.WANDA_SP, StructuredMethod.FLAP, StructuredMethod.TAYLOR)) {
            StructuredSettings d = StructuredSettings.defaults(m, 0.5, 0);
            runs.add(new Run(m.cliName(), "--method " + m.cliName(), m, d.units(), d.allocation()));
        }
        runs.add(new Run("flap-uniform", "--method flap --allocation uniform", StructuredMethod.FLAP,
                StructuredSettings.defaults(StructuredMethod.FLAP, 0.5, 0).units(), WidthAllocation.UNIFORM));
        System.out.println("| command (`prune4j prune --model stories260K ... --out OUT`) | block weights removed | params | MACs/token | file bytes | removed layers | dense ppl | pruned ppl |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (Run r : runs) {
            for (double ratio : new double[] {0.2, 0.5}) {
                StructuredSettings s = StructuredSettings.defaults(r.method(), ratio, 0).with(r.units(), r.allocation(), 1);
                Path out = outDir.resolve(r.name() + "-" + ratio);
                StructuredPruneJob.Io io = new StructuredPruneJob.Io("stories260K", null, null, null, 128, 0, 0, null, null, 0, 0, out);
                StructuredReport rep = new StructuredPruneJob(quiet).run(io, s);
                System.out.printf(Locale.ROOT, "| `%s --ratio %s` | %.1f%% | %d → %d | %d → %d | %d → %d | %s | %.4f | %.4f |%n",
                        r.options(), ratio, 100 * rep.blockParamsRemovedFraction(), rep.paramsBefore(), rep.paramsAfter(),
                        rep.macsPerTokenBefore(), rep.macsPerTokenAfter(), rep.fileBytesBefore(), rep.fileBytesAfter(),
                        java.util.Arrays.toString(rep.removedLayers()), rep.densePpl(), rep.prunedPpl());
            }
        }
    }
}
