package org.prune4j.internal.prune.oneshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;

/**
 * Matrix level: the dense stories260K weights and the statistics recorded inside zyxxmu/DSnoT, fed to
 * {@link Dsnot}, give the original's initial masks, reconstruction errors and final masks bit for bit, for
 * all 18 reference runs (35 matrices each).
 */
class DsnotReferenceTest {
    private static LlamaCheckpoint model;

    @BeforeAll
    static void load() {
        model = DsnotFixture.stories260K();
    }

    static Stream<String> runs() {
        return DsnotFixture.RUNS.stream().flatMap(r -> Stream.of(r, r + "_mc10", r + "_noskip"));
    }

    static String arg(String args, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"?([^,\"}]+)\"?").matcher(args);
        assertTrue(m.find(), key);
        return m.group(1);
    }

    static SparsityPattern pattern(String args) {
        String type = arg(args, "sparsity_type");
        return type.equals("unstructured") ? new SparsityPattern.Unstructured(Double.parseDouble(arg(args, "sparsity_ratio")))
                : SparsityPattern.parse(type);
    }

    static Dsnot.Settings settings(String args) {
        Dsnot.SkippedLayers skip = arg(args, "skip_layer").equals("no_skip") ? Dsnot.SkippedLayers.NONE
                : Dsnot.SkippedLayers.parse(arg(args, "skip_layer"));
        return Dsnot.Settings.defaults(Dsnot.InitialMask.parse(arg(args, "initial_method")))
                .withMaxCycles(Integer.parseInt(arg(args, "max_cycle_time"))).withSkip(skip);
    }

    @ParameterizedTest
    @MethodSource("runs")
    void matchesTheOriginalBitForBit(String run) {
        DsnotFixture f = DsnotFixture.open(run);
        String args = f.metadata("args");
        SparsityPattern pattern = pattern(args);
        Dsnot.Settings s = settings(args);
        List<String> diffs = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            for (Map.Entry<String, String> m : DsnotFixture.MATRICES.entrySet()) {
                String where = "layers." + b + "." + m.getKey();
                float[] w = DsnotFixture.denseWeight(model, b, m.getKey());
                PruningMask initial = f.mask(b, m.getKey(), "initial");
                PruningMask expected = f.mask(b, m.getKey(), "final");
                boolean refine = s.skip().refines(m.getValue());
                assertEquals(refine, f.has(where + ".recon_error_initial"), where + " refined");
                Dsnot.Result r = Dsnot.prune(w, initial.rows(), initial.cols(), f.statistics(b, m.getKey()), pattern, s,
                        refine);
                assertArrayEquals(initial.pruned(), r.initial().pruned(), where + " initial mask");
                if (refine) {
                    assertArrayEquals(f.floats(where + ".recon_error_initial"), r.initialError(), where + " initial error");
                    assertArrayEquals(f.floats(where + ".recon_error_final"), r.finalError(), where + " final error");
                }
                long differ = 0;
                for (int i = 0; i < expected.pruned().length; i++) {
                    differ += expected.pruned()[i] != r.mask().pruned()[i] ? 1 : 0;
                }
                if (differ > 0) {
                    diffs.add(where + ": " + differ + " entries differ");
                }
            }
        }
        assertTrue(diffs.isEmpty(), run + ":\n" + String.join("\n", diffs));
    }

    /** In the clean regime (10 cycles) every change of the original is a swap, so the corrected semantics agree. */
    @ParameterizedTest
    @MethodSource("cleanRuns")
    void correctedEqualsTheOriginalWhereEveryChangeIsASwap(String run) {
        DsnotFixture f = DsnotFixture.open(run);
        String args = f.metadata("args");
        Dsnot.Settings s = settings(args).withCorrected(true);
        for (int b = 0; b < 5; b++) {
            for (Map.Entry<String, String> m : DsnotFixture.MATRICES.entrySet()) {
                PruningMask expected = f.mask(b, m.getKey(), "final");
                Dsnot.Result r = Dsnot.prune(DsnotFixture.denseWeight(model, b, m.getKey()), expected.rows(),
                        expected.cols(), f.statistics(b, m.getKey()), pattern(args), s, s.skip().refines(m.getValue()));
                assertArrayEquals(expected.pruned(), r.mask().pruned(), run + " layers." + b + "." + m.getKey());
            }
        }
    }

    static Stream<String> cleanRuns() {
        return DsnotFixture.RUNS.stream().map(r -> r + "_mc10");
    }

    /** Where the original breaks the sparsity and the 2:4 pattern (50 cycles, every matrix), corrected keeps both. */
    @ParameterizedTest
    @MethodSource("noskipRuns")
    void correctedKeepsTheSparsityAndTheNOfMPattern(String run) {
        DsnotFixture f = DsnotFixture.open(run);
        String args = f.metadata("args");
        SparsityPattern pattern = pattern(args);
        Dsnot.Settings s = settings(args).withCorrected(true).withMaxCycles(50);
        long changed = 0;
        for (int b = 0; b < 5; b++) {
            for (String m : DsnotFixture.MATRICES.keySet()) {
                PruningMask initial = f.mask(b, m, "initial");
                int rows = initial.rows();
                int cols = initial.cols();
                Dsnot.Result r = Dsnot.prune(DsnotFixture.denseWeight(model, b, m), rows, cols, f.statistics(b, m), pattern,
                        s, true);
                boolean[] p = r.mask().pruned();
                for (int row = 0; row < rows; row++) {
                    int count = 0;
                    for (int c = 0; c < cols; c++) {
                        count += p[row * cols + c] ? 1 : 0;
                        changed += p[row * cols + c] != r.initial().pruned()[row * cols + c] ? 1 : 0;
                    }
                    if (pattern instanceof SparsityPattern.NOfM nm) {
                        for (int g = 0; g < cols; g += nm.m()) {
                            int inGroup = 0;
                            for (int c = g; c < g + nm.m(); c++) {
                                inGroup += p[row * cols + c] ? 1 : 0;
                            }
                            assertEquals(nm.n(), inGroup, run + " " + m + " row " + row + " group " + g);
                        }
                    } else {
                        int k = (int) (cols * ((SparsityPattern.Unstructured) pattern).sparsity());
                        assertEquals(k, count, run + " " + m + " row " + row);
                    }
                }
            }
        }
        assertTrue(changed > 0, "corrected DSnoT changed nothing");
    }

    static Stream<String> noskipRuns() {
        return DsnotFixture.RUNS.stream().map(r -> r + "_noskip");
    }

    @Test
    void automaticCycleLimitIsTheReferenceRunsSetting() {
        Dsnot.Settings auto = Dsnot.Settings.defaults(Dsnot.InitialMask.WANDA);
        assertEquals(32, Dsnot.cycleLimit(new SparsityPattern.Unstructured(0.5), 64, auto));
        assertEquals(26, Dsnot.cycleLimit(new SparsityPattern.Unstructured(0.6), 64, auto));
        assertEquals(50, Dsnot.cycleLimit(SparsityPattern.parse("2:4"), 64, auto));
        assertEquals(50, Dsnot.cycleLimit(new SparsityPattern.Unstructured(0.5), 4096, auto));
        assertEquals(50, Dsnot.cycleLimit(new SparsityPattern.Unstructured(0.5), 64, auto.withCorrected(true)));
    }

    @Test
    void theOriginalsCrashingLimitIsRefusedWithAOneLineMessage() {
        UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> Dsnot.cycleLimit(
                new SparsityPattern.Unstructured(0.5), 64, Dsnot.Settings.defaults(Dsnot.InitialMask.WANDA).withMaxCycles(50)));
        assertTrue(e.getMessage().contains("--dsnot-max-cycles 50") && e.getMessage().contains("32"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void torchTopKPicksOffsetTwoOfFourEqualValues() {
        float inf = Float.POSITIVE_INFINITY;
        assertEquals(2, TorchTopK.smallestIndex(new float[] {inf, inf, inf, inf}, 0, 4));
        assertEquals(3, TorchTopK.smallestIndex(new float[] {inf, 2f, inf, 1f}, 0, 4));
        assertEquals(1, TorchTopK.smallestIndex(new float[] {9f, 5f, 0.5f, 2f, 7f, 3f}, 1, 4));
    }
}
