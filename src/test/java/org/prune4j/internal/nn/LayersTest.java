package org.prune4j.internal.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each layer against a direct loop implementation of PyTorch's definition. */
class LayersTest {
    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void conv2dMatchesADirectConvolutionWithStridePaddingAndGroups() {
        Random r = new Random(1);
        int n = 2, cin = 4, h = 7, w = 6, cout = 6, k = 3, stride = 2, pad = 1, groups = 2;
        float[] x = random(r, n * cin * h * w);
        float[] wt = random(r, cout * (cin / groups) * k * k);
        float[] b = random(r, cout);
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d conv = new Conv2d(m.create(wt, new Shape(cout, cin / groups, k, k)), m.create(b), stride, pad, groups);
            NDArray y = conv.forward(m.create(x, new Shape(n, cin, h, w)));
            int ho = (h + 2 * pad - k) / stride + 1;
            int wo = (w + 2 * pad - k) / stride + 1;
            assertEquals(new Shape(n, cout, ho, wo), y.getShape());
            float[] got = y.toFloatArray();
            int cinG = cin / groups;
            int coutG = cout / groups;
            for (int in = 0; in < n; in++) {
                for (int co = 0; co < cout; co++) {
                    int g = co / coutG;
                    for (int oy = 0; oy < ho; oy++) {
                        for (int ox = 0; ox < wo; ox++) {
                            double s = b[co];
                            for (int ci = 0; ci < cinG; ci++) {
                                for (int ky = 0; ky < k; ky++) {
                                    for (int kx = 0; kx < k; kx++) {
                                        int iy = oy * stride - pad + ky;
                                        int ix = ox * stride - pad + kx;
                                        if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                            continue;
                                        }
                                        s += x[((in * cin + g * cinG + ci) * h + iy) * w + ix]
                                                * wt[((co * cinG + ci) * k + ky) * k + kx];
                                    }
                                }
                            }
                            assertEquals(s, got[((in * cout + co) * ho + oy) * wo + ox], 1e-4);
                        }
                    }
                }
            }
            assertEquals(4, conv.inChannels());
        }
    }

    @Test
    void batchNormTrainsWithBatchStatisticsAndEvaluatesWithRunningOnes() {
        Random r = new Random(2);
        int n = 3, c = 2, h = 2, w = 2;
        float[] x = random(r, n * c * h * w);
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d(m.create(new float[] {2, 3}), m.create(new float[] {0.5f, -1}),
                    m.create(new float[] {0.1f, 0.2f}), m.create(new float[] {1.5f, 0.5f}), 1e-5f, 0.1f);
            NDArray runningMean = bn.runningMean();
            NDArray xa = m.create(x, new Shape(n, c, h, w));
            // evaluation: running statistics
            float[] ev = bn.forward(xa).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                int ch = (i / (h * w)) % c;
                float mean = ch == 0 ? 0.1f : 0.2f;
                float var = ch == 0 ? 1.5f : 0.5f;
                float g = ch == 0 ? 2 : 3;
                float be = ch == 0 ? 0.5f : -1;
                assertEquals((x[i] - mean) / Math.sqrt(var + 1e-5) * g + be, ev[i], 1e-5);
            }
            // training: batch statistics, running stats updated with momentum 0.1 and the unbiased variance
            bn.train(true);
            float[] tr = bn.forward(xa).toFloatArray();
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                double ss = 0;
                int cnt = n * h * w;
                for (int i = 0; i < x.length; i++) {
                    if ((i / (h * w)) % c == ch) {
                        s += x[i];
                        ss += x[i] * x[i];
                    }
                }
                double mean = s / cnt;
                double var = ss / cnt - mean * mean;
                for (int i = 0; i < x.length; i++) {
                    if ((i / (h * w)) % c == ch) {
                        double g = ch == 0 ? 2 : 3;
                        double be = ch == 0 ? 0.5 : -1;
                        assertEquals((x[i] - mean) / Math.sqrt(var + 1e-5) * g + be, tr[i], 1e-4);
                    }
                }
                double oldMean = ch == 0 ? 0.1 : 0.2;
                double oldVar = ch == 0 ? 1.5 : 0.5;
                assertEquals(0.9 * oldMean + 0.1 * mean, bn.runningMean().toFloatArray()[ch], 1e-5);
                assertEquals(0.9 * oldVar + 0.1 * var * cnt / (cnt - 1), bn.runningVar().toFloatArray()[ch], 1e-5);
            }
            assertSame(runningMean, bn.runningMean(), "running statistics are updated in place");
            assertSame(runningMean, bn.namedBuffers().get("running_mean"));
        }
    }

    @Test
    void layerNormMatchesDefinition() {
        Random r = new Random(3);
        float[] x = random(r, 2 * 5);
        float[] g = random(r, 5);
        float[] b = random(r, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y = new LayerNorm(m.create(g), m.create(b), 1e-5f).forward(m.create(x, new Shape(2, 5))).toFloatArray();
            for (int row = 0; row < 2; row++) {
                double mean = 0;
                double var = 0;
                for (int j = 0; j < 5; j++) {
                    mean += x[row * 5 + j] / 5.0;
                }
                for (int j = 0; j < 5; j++) {
                    var += Math.pow(x[row * 5 + j] - mean, 2) / 5.0;
                }
                for (int j = 0; j < 5; j++) {
                    assertEquals((x[row * 5 + j] - mean) / Math.sqrt(var + 1e-5) * g[j] + b[j], y[row * 5 + j], 1e-5);
                }
            }
        }
    }

    @Test
    void selfAttentionMatchesPerHeadComputation() {
        Random r = new Random(4);
        int n = 2, s = 3, e = 4, heads = 2, dh = 2;
        float[] x = random(r, n * s * e);
        float[] win = random(r, 3 * e * e);
        float[] bin = random(r, 3 * e);
        float[] wout = random(r, e * e);
        float[] bout = random(r, e);
        try (NDManager m = NDManager.newBaseManager()) {
            MultiheadSelfAttention att = new MultiheadSelfAttention(m.create(win, new Shape(3 * e, e)), m.create(bin),
                    new Linear(m.create(wout, new Shape(e, e)), m.create(bout)), heads, 0.1f);
            float[] got = att.forward(m.create(x, new Shape(n, s, e))).toFloatArray();
            for (int b = 0; b < n; b++) {
                double[][] qkv = new double[s][3 * e];
                for (int t = 0; t < s; t++) {
                    for (int o = 0; o < 3 * e; o++) {
                        double acc = bin[o];
                        for (int i = 0; i < e; i++) {
                            acc += win[o * e + i] * x[(b * s + t) * e + i];
                        }
                        qkv[t][o] = acc;
                    }
                }
                double[][] ctx = new double[s][e];
                for (int hd = 0; hd < heads; hd++) {
                    for (int t = 0; t < s; t++) {
                        double[] sc = new double[s];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int u = 0; u < s; u++) {
                            double d = 0;
                            for (int j = 0; j < dh; j++) {
                                d += qkv[t][hd * dh + j] * qkv[u][e + hd * dh + j];
                            }
                            sc[u] = d / Math.sqrt(dh);
                            max = Math.max(max, sc[u]);
                        }
                        double z = 0;
                        for (int u = 0; u < s; u++) {
                            sc[u] = Math.exp(sc[u] - max);
                            z += sc[u];
                        }
                        for (int j = 0; j < dh; j++) {
                            double acc = 0;
                            for (int u = 0; u < s; u++) {
                                acc += sc[u] / z * qkv[u][2 * e + hd * dh + j];
                            }
                            ctx[t][hd * dh + j] = acc;
                        }
                    }
                }
                for (int t = 0; t < s; t++) {
                    for (int o = 0; o < e; o++) {
                        double acc = bout[o];
                        for (int i = 0; i < e; i++) {
                            acc += wout[o * e + i] * ctx[t][i];
                        }
                        assertEquals(acc, got[(b * s + t) * e + o], 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void dropoutAndPoolingAndFunctions() {
        try (NDManager m = NDManager.newBaseManager()) {
            Dropout d = new Dropout(0.5f);
            NDArray ones = m.ones(new Shape(10000));
            assertSame(ones, d.forward(ones), "identity in evaluation mode");
            d.train(true);
            float[] v = d.forward(ones).toFloatArray();
            int zeros = 0;
            for (float f : v) {
                assertTrue(f == 0 || Math.abs(f - 2) < 1e-6, "kept values are scaled by 1/(1-p)");
                zeros += f == 0 ? 1 : 0;
            }
            assertEquals(5000, zeros, 200);

            NDArray x = m.arange(16f).reshape(1, 1, 4, 4);
            assertArrayEquals(new float[] {5, 7, 13, 15}, new Pool2d(Pool2d.Kind.MAX, 2, 2, 0).forward(x).toFloatArray());
            assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, new Pool2d(Pool2d.Kind.AVERAGE, 2, 2, 0).forward(x).toFloatArray());
            assertArrayEquals(new float[] {7.5f}, Functional.globalAvgPool2d(x).toFloatArray());
            assertEquals(new Shape(1, 16), Functional.flatten(x, 1).getShape());
            assertArrayEquals(new float[] {0, 0, 2}, Functional.relu(m.create(new float[] {-1, 0, 2})).toFloatArray());
            assertEquals(0.8413447f, Functional.gelu(m.create(new float[] {1})).getFloat(), 1e-6, "exact erf GELU");
            NDArray logits = m.create(new float[] {1, 2, 3, 1, 1, 1}, new Shape(2, 3));
            double ce = (-(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) + Math.log(3)) / 2;
            assertEquals(ce, Functional.crossEntropy(logits, m.create(new int[] {2, 0})).getFloat(), 1e-5);
        }
    }
}
