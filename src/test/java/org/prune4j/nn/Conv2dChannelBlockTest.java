package org.prune4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Convolutions with input-channel counts that pruning leaves (17..40) against a direct Java sum. */
class Conv2dChannelBlockTest {
    @Test
    void oddInputChannelCountsGiveTheExactConvolution() {
        Random r = new Random(0);
        try (NDManager nd = NDManager.newBaseManager()) {
            for (int cin : new int[] {3, 16, 17, 20, 24, 29, 31, 40}) {
                int cout = 5;
                int hw = 8;
                float[] w = new float[cout * cin * 9];
                float[] x = new float[cin * hw * hw];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                NDArray y = new Conv2d(nd.create(w, new Shape(cout, cin, 3, 3)), null, 1, 1, 1)
                        .forward(nd.create(x, new Shape(1, cin, hw, hw)));
                float[] got = y.toFloatArray();
                for (int o = 0; o < cout; o++) {
                    for (int py = 0; py < hw; py++) {
                        for (int px = 0; px < hw; px++) {
                            double acc = 0;
                            for (int ci = 0; ci < cin; ci++) {
                                for (int ky = 0; ky < 3; ky++) {
                                    for (int kx = 0; kx < 3; kx++) {
                                        int yy = py + ky - 1;
                                        int xx = px + kx - 1;
                                        if (yy >= 0 && yy < hw && xx >= 0 && xx < hw) {
                                            acc += w[((o * cin + ci) * 3 + ky) * 3 + kx] * x[(ci * hw + yy) * hw + xx];
                                        }
                                    }
                                }
                            }
                            assertEquals(acc, got[(o * hw + py) * hw + px], 1e-3, "cin " + cin);
                        }
                    }
                }
            }
        }
    }
}
