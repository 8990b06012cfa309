package org.prune4j.internal.cli;

import java.util.ArrayList;
import java.util.List;
import org.prune4j.UserError;
import org.prune4j.internal.pipeline.prune.AllocationKind;
import picocli.CommandLine.ParseResult;

/**
 * Refuses {@code prune} options that the chosen method, allocation or evaluation would silently ignore
 * (issue 14): an option the user typed either changes the run or is a one-line error saying why not.
 */
final class PruneOptionCheck {
    private PruneOptionCheck() {}

    static void check(ParseResult given, String method, boolean needsCalibration, AllocationKind allocation,
            int maxEvalWindows, boolean evaluates) {
        if (maxEvalWindows < 0) {
            throw new UserError("--max-eval-windows " + maxEvalWindows + ": must be 0 (all) or positive");
        }
        refuse(given, allocation != AllocationKind.GLOBAL, "applies to --allocation global only", "--min-density");
        refuse(given, allocation != AllocationKind.OWL, "applies to --allocation owl only", "--owl-m", "--owl-lambda");
        refuse(given, !method.equalsIgnoreCase("sparsegpt"), "applies to --method sparsegpt only", "--blocksize",
                "--percdamp");
        refuse(given, !needsCalibration, "is calibration data, which --method " + method + " does not use",
                "--calib", "--calib-ids", "--nsamples", "--seqlen", "--seed");
        refuse(given, !evaluates, "applies to an evaluation (--eval, --eval-ids or a bundled model's protocol)",
                "--eval-seqlen", "--max-eval-windows");
    }

    private static void refuse(ParseResult given, boolean ignored, String why, String... options) {
        if (!ignored) {
            return;
        }
        List<String> typed = new ArrayList<>();
        for (String o : options) {
            if (given.hasMatchedOption(o)) {
                typed.add(o);
            }
        }
        if (!typed.isEmpty()) {
            throw new UserError(String.join(", ", typed) + " " + (typed.size() == 1 ? "" : "each ") + why
                    + "; remove " + (typed.size() == 1 ? "it" : "them"));
        }
    }
}
