package org.prune4j.internal.prune.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.lm.NextTokenLoss;

/**
 * LLM-Pruner's Taylor scores against a direct computation in this test: the loss gradient summed over
 * two calibration batches (taken here with plain autograd calls), then per neuron
 * {@code Σ|W·g|} / {@code |Σ W·g|} over its gate row, up row and down column, and per query head over
 * its q rows and o columns plus half (r = 2) of its key/value head's k and v rows.
 */
class TaylorScoresTest {
    @ParameterizedTest
    @EnumSource(TaylorVariant.class)
    void scoresAggregateWTimesGradientPerUnit(TaylorVariant variant) {
        CalibrationSet all = StructuredFixtures.calib(4);
        int t = 48;
        int[] ids = new int[4 * t];
        for (int r = 0; r < 4; r++) {
            System.arraycopy(all.ids(), r * all.seqLen(), ids, r * t, t);
        }
        CalibrationSet calib = new CalibrationSet(4, t, ids, "4 short rows");
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel model = LlamaModel.load(StructuredFixtures.gqa(), m);
            List<LayerScores> scores = TaylorScores.of(model, calib, 2, variant);

            // the test's own gradients: two batches of two rows, accumulated
            LlamaModel fresh = LlamaModel.load(StructuredFixtures.gqa(), m);
            DecoderBlock b = fresh.blocks().get(1);
            List<Linear> ls = List.of(b.selfAttn().qProj(), b.selfAttn().kProj(), b.selfAttn().vProj(), b.selfAttn().oProj(),
                    b.mlp().gateProj(), b.mlp().upProj(), b.mlp().downProj());
            fresh.namedParameters().values().forEach(p -> p.value().setRequiresGradient(true));
            for (int from = 0; from < 4; from += 2) {
                int f = from;
                try (NDManager scope = m.newSubManager()) {
                    NDArray x = calib.rows(scope, f, f + 2);
                    Autograd.backward(() -> NextTokenLoss.mean(fresh.logits(scope, x), x));
                }
            }
            float[][] w = new float[7][];
            float[][] g = new float[7][];
            try (NDManager scope = m.newSubManager()) {
                for (int i = 0; i < 7; i++) {
                    w[i] = ls.get(i).weight().value().toFloatArray();
                    g[i] = Autograd.gradient(ls.get(i).weight().value(), scope).toFloatArray();
                }
            }
            int d = 64;
            LayerScores s = scores.get(1);
            for (int j : new int[] {0, 17, 100, 171}) {
                double expected = slice(w[4], g[4], j, -1, d, variant) + slice(w[5], g[5], j, -1, d, variant)
                        + slice(w[6], g[6], -1, j, 172, variant);
                assertEquals(expected, s.neurons()[j], 1e-4 * Math.abs(expected) + 1e-9, "neuron " + j);
            }
            for (int h : new int[] {0, 3, 6}) {
                double expected = 0;
                for (int row = h * 8; row < h * 8 + 8; row++) {
                    expected += slice(w[0], g[0], row, -1, d, variant) + slice(w[3], g[3], -1, row, 64, variant);
                }
                int kv = h / 2;
                for (int row = kv * 8; row < kv * 8 + 8; row++) {
                    expected += (slice(w[1], g[1], row, -1, d, variant) + slice(w[2], g[2], row, -1, d, variant)) / 2;
                }
                double actual = 0;
                for (int c = h * 8; c < h * 8 + 8; c++) {
                    actual += s.headChannels()[c];
                }
                assertEquals(expected, actual, 1e-4 * Math.abs(expected) + 1e-9, "head " + h);
                assertTrue(expected > 0);
            }
        }
    }

    /** Row {@code row} (or column {@code col}) of a {@code [*, width]} matrix: Σ|W·g| or |Σ W·g|. */
    private static double slice(float[] w, float[] g, int row, int col, int width, TaylorVariant v) {
        double sumAbs = 0;
        double sum = 0;
        int rows = w.length / width;
        int n = row >= 0 ? width : rows;
        for (int i = 0; i < n; i++) {
            int idx = row >= 0 ? row * width + i : i * width + col;
            double p = (double) w[idx] * g[idx];
            sumAbs += Math.abs(p);
            sum += p;
        }
        return v == TaylorVariant.ELEMENT ? sumAbs : Math.abs(sum);
    }
}
