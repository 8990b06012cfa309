package org.prune4j.internal.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.internal.train.Autograd;

/**
 * Convolutions with channel counts that pruning leaves: forward (17..40 input channels) against a direct Java
 * sum, gradients against the engine's float64 path (a different kernel from the float32 oneDNN one).
 */
class Conv2dChannelBlockTest {
    /** Both kernel choices: the self-check's verdict for this machine, and the fallback forced. */
    static Stream<ConvKernels.Mode> modes() {
        return Stream.of(null, ConvKernels.Mode.EXACT_FALLBACK);
    }

    @AfterEach
    void unforce() {
        ConvKernels.force(null);
    }

    @ParameterizedTest
    @MethodSource("modes")
    void oddInputChannelCountsGiveTheExactConvolution(ConvKernels.Mode mode) {
        ConvKernels.force(mode);
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

    @ParameterizedTest
    @MethodSource("modes")
    void gradientsOfPrunedChannelCountsMatchTheFloat64Reference(ConvKernels.Mode mode) {
        ConvKernels.force(mode);
        // shapes whose float32 input gradient came out wrong or NaN from the bare engine on the development VM
        int[][] cases = {{6, 3, 1}, {8, 2, 1}, {15, 20, 1}, {16, 8, 1}, {33, 17, 2}, {48, 6, 2}, {22, 28, 2}};
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(3);
            for (int[] c : cases) {
                int cin = c[0];
                int cout = c[1];
                int stride = c[2];
                NDArray x = nd.randomNormal(new Shape(8, cin, 16, 16));
                NDArray w = nd.randomNormal(new Shape(cout, cin, 3, 3));
                NDArray r = nd.randomNormal(new Shape(8, cout, 16 / stride, 16 / stride));
                String what = "cin " + cin + " cout " + cout + " stride " + stride;
                float[][] got = gradients(nd, x, w, r, stride, false);
                float[][] want = gradients(nd, x, w, r, stride, true);
                assertClose(want[0], got[0], what + ": input gradient");
                assertClose(want[1], got[1], what + ": weight gradient");
            }
        }
    }

    private static float[][] gradients(NDManager nd, NDArray x0, NDArray w0, NDArray r0, int stride, boolean float64) {
        try (NDManager scope = nd.newSubManager()) {
            DataType t = float64 ? DataType.FLOAT64 : DataType.FLOAT32;
            NDArray x = float64 ? x0.toType(t, true) : x0.duplicate();
            NDArray w = float64 ? w0.toType(t, true) : w0.duplicate();
            NDArray r = float64 ? r0.toType(t, true) : r0.duplicate();
            for (NDArray a : new NDArray[] {x, w, r}) {
                a.attach(scope);
            }
            x.setRequiresGradient(true);
            Conv2d conv = new Conv2d(w, null, stride, 1, 1);
            conv.weight().value().setRequiresGradient(true);
            Autograd.backward(() -> float64
                    ? x.getNDArrayInternal().convolution(x, w, null, new Shape(stride, stride), new Shape(1, 1),
                            new Shape(1, 1), 1).singletonOrThrow().mul(r).sum()
                    : conv.forward(x).mul(r).sum());
            return new float[][] {Autograd.gradient(x, scope).toType(DataType.FLOAT32, false).toFloatArray(),
                Autograd.gradient(conv.weight().value(), scope).toType(DataType.FLOAT32, false).toFloatArray()};
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-4 * scale, what + " at " + i + ": " + got[i] + " vs " + want[i]);
        }
    }
}
