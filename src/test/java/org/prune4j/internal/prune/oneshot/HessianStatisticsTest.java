package org.prune4j.internal.prune.oneshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tiled (lower-triangle) Hessian update of wide layers against a float64 sum. */
class HessianStatisticsTest {

    @Test
    void tiledUpdateEqualsTheFullSumAndIsSymmetric() {
        int in = HessianStatistics.TILE * 2 + 52; // three tiles, the last one partial
        int[] batches = {2, 1, 3}; // sequences per call
        int seqLen = 40;
        Random r = new Random(17);
        double[] ref = new double[in * in];
        long sequences = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            HessianStatistics h = new HessianStatistics(m, in);
            WandaStatistics w = new WandaStatistics(in);
            double[] sq = new double[in];
            for (int call = 0; call < batches.length; call++) {
                int b = batches[call];
                float[] x = new float[b * seqLen * in];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (r.nextGaussian() * (1 + (i % in) / (double) in));
                }
                for (int t = 0; t < b * seqLen; t++) {
                    for (int i = 0; i < in; i++) {
                        double xi = x[t * in + i];
                        sq[i] += xi * xi;
                        for (int j = 0; j <= i; j++) {
                            ref[i * in + j] += xi * x[t * in + j];
                        }
                    }
                }
                sequences += b;
                var arr = m.create(x, new Shape(b, seqLen, in));
                h.add(call == 1 ? arr.toType(DataType.FLOAT64, false) : arr);
                w.add(arr);
                if (call == 1) {
                    h.hessian(); // a read between adds mirrors, later adds must still be seen
                }
            }
            assertEquals(sequences, h.samples());
            float[] got = h.toFloatArray();
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < in; i++) {
                for (int j = 0; j <= i; j++) {
                    double e = 2.0 / sequences * ref[i * in + j];
                    scale = Math.max(scale, Math.abs(e));
                    worst = Math.max(worst, Math.abs(got[i * in + j] - e));
                    assertEquals(got[i * in + j], got[j * in + i], "H is symmetric at " + i + "," + j);
                }
            }
            assertTrue(worst / scale < 1e-5, "relative error " + worst / scale);
            float[] s = w.scalerRow();
            for (int i = 0; i < in; i++) {
                assertEquals(sq[i] / sequences, s[i], 1e-5 * sq[i] / sequences);
            }
            assertThrows(IllegalArgumentException.class, () -> h.add(m.zeros(new Shape(4, in + 1))));
            h.close();
        }
    }
}
