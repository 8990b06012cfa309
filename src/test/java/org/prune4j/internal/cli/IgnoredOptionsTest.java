package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.experiment.TrainingSettings;

/** Options that would be silently ignored are one-line errors (issue 14). */
class IgnoredOptionsTest {
    @TempDir
    Path dir;

    private static void refused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void pruneRefusesOptionsItsMethodOrAllocationIgnores() {
        String[] base = {"prune", "--model", "stories260K", "--sparsity", "0.5"};
        refused("--min-density applies to --allocation global only", concat(base, "--method", "wanda", "--min-density", "0.1"));
        refused("--owl-m, --owl-lambda each applies to --allocation owl only",
                concat(base, "--method", "wanda", "--owl-m", "7", "--owl-lambda", "0.1"));
        refused("--blocksize applies to --method sparsegpt only", concat(base, "--method", "wanda", "--blocksize", "64"));
        refused("--percdamp applies to --method sparsegpt only", concat(base, "--method", "magnitude", "--percdamp", "0.1"));
        refused("--nsamples is calibration data, which --method magnitude does not use",
                concat(base, "--method", "magnitude", "--nsamples", "8"));
        refused("--max-eval-windows -1: must be 0 (all) or positive",
                concat(base, "--method", "magnitude", "--max-eval-windows", "-1"));
    }

    @Test
    void pruneWithoutOutReportsTheNumbersAndWritesNothing() throws Exception {
        CliRun r = CliRun.of("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "0.5",
                "--max-eval-windows", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("perplexity: dense"), r.out());
        assertTrue(r.out().contains("nothing written (no --out)"), r.out());
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void trainingRefusesOptionsItsOptimizerOrScheduleIgnores() {
        UserError m = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> new TrainingSettings(
                "lenet-300-100", "fashion-mnist", 1, 60, "adam", 1e-3, 0.5, 0, "constant", "", 0.1, 0, false, 0));
        assertEquals("--momentum 0.5 applies to --optimizer sgd only (this run uses adam)", m.getMessage());
        UserError d = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> new TrainingSettings(
                "lenet-300-100", "fashion-mnist", 1, 60, "sgd", 1e-3, 0.9, 0, "cosine", "5,8", 0.1, 0, false, 0));
        assertEquals("--lr-drops 5,8 applies to --lr-schedule step only (this run uses cosine)", d.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
