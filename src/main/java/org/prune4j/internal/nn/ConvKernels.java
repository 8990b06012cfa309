package org.prune4j.internal.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;

/**
 * Which convolution kernels {@link Conv2d} may use on this machine, decided once per process by a self-check.
 *
 * <p>On one host (AMD EPYC with AVX-512, in a Firecracker VM) the bundled engine's oneDNN convolutions returned
 * wrong sums for k×k kernels over more than 16 input channels that are not a multiple of 16, and wrong or NaN
 * input gradients (reads of uninitialised memory) for most channel counts that are not multiples of 32 —
 * exactly the widths structural pruning leaves. The same engine on other hosts of the same CPU model computes
 * all of them exactly. So prune4j does not assume either: the first convolution of a process runs a handful of
 * such shapes through the engine, forward against a direct double-precision sum and backward against the
 * engine's float64 path (a different, non-oneDNN kernel), and chooses
 * <ul>
 *   <li>{@link Mode#ENGINE} when every probe is exact: the engine's kernels everywhere, at full speed;</li>
 *   <li>{@link Mode#EXACT_FALLBACK} otherwise: forward inputs padded with zero channels to a multiple of 16
 *       (exact there), and, whenever a gradient is needed, the convolution as a matrix product over the
 *       unfolded input (ordinary kernels, slower).</li>
 * </ul>
 * Reports of vision runs name the mode ({@code conv_kernels}) because it changes the measured latency.
 */
public final class ConvKernels {
    /** The two ways {@link Conv2d} computes a convolution. */
    public enum Mode {
        /** The engine's (oneDNN) kernels: the self-check found them exact on this machine. */
        ENGINE,
        /** Padding and unfolded matrix products: the self-check found a wrong engine kernel. */
        EXACT_FALLBACK;

        /** The name used in reports. */
        public String label() {
            return this == ENGINE ? "engine" : "exact-fallback";
        }
    }

    private static volatile Mode forced;

    private ConvKernels() {}

    /**
     * The mode in effect: the self-check's verdict, unless a test forced one. The check runs on the first call,
     * which must not happen while gradients are being recorded ({@link Conv2d}'s constructor makes that call).
     */
    public static Mode mode() {
        Mode f = forced;
        return f != null ? f : Verdict.MODE;
    }

    /** Tests: force a mode (null: back to the self-check's verdict). */
    static void force(Mode mode) {
        forced = mode;
    }

    /** The self-check runs once, when the verdict is first needed (class initialisation is thread-safe). */
    private static final class Verdict {
        static final Mode MODE = selfCheck() ? Mode.ENGINE : Mode.EXACT_FALLBACK;
    }

    /** True when every probe shape is exact through the engine's float32 kernels. */
    static boolean selfCheck() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Random r = new Random(7);
            // forward: input channel counts that failed (17..31, 33..47 above a multiple of 16), batch 1 and 4
            for (int[] c : new int[][] {{20, 5, 1}, {29, 7, 4}, {40, 6, 1}, {22, 28, 4}}) {
                if (!forwardExact(nd, r, c[0], c[1], c[2])) {
                    return false;
                }
            }
            // backward: shapes whose input gradient came out wrong or NaN, stride 1 and 2
            for (int[] c : new int[][] {{6, 3, 1}, {15, 20, 1}, {33, 17, 2}, {22, 28, 2}}) {
                if (!gradientsExact(nd, r, c[0], c[1], c[2])) {
                    return false;
                }
            }
            return true;
        }
    }

    private static boolean forwardExact(NDManager nd, Random r, int cin, int cout, int n) {
        int hw = 8;
        float[] w = new float[cout * cin * 9];
        float[] x = new float[n * cin * hw * hw];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (NDManager s = nd.newSubManager()) {
            NDArray xa = s.create(x, new Shape(n, cin, hw, hw));
            NDArray wa = s.create(w, new Shape(cout, cin, 3, 3));
            float[] got = engineConv(xa, wa, 1).toFloatArray();
            for (int b = 0; b < n; b++) {
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
                                            acc += (double) w[((o * cin + ci) * 3 + ky) * 3 + kx]
                                                    * x[((b * cin + ci) * hw + yy) * hw + xx];
                                        }
                                    }
                                }
                            }
                            float v = got[((b * cout + o) * hw + py) * hw + px];
                            if (!(Math.abs(v - acc) <= 1e-3 * Math.max(1, Math.abs(acc)))) {
                                return false;
                            }
                        }
                    }
                }
            }
            return true;
        }
    }

    private static boolean gradientsExact(NDManager nd, Random random, int cin, int cout, int stride) {
        try (NDManager s = nd.newSubManager()) {
            // java.util.Random, not the engine's generator: the check must not move the engine's seeded stream
            NDArray x = gaussian(s, random, new Shape(4, cin, 12, 12));
            NDArray w = gaussian(s, random, new Shape(cout, cin, 3, 3));
            NDArray r = gaussian(s, random, new Shape(4, cout, 12 / stride, 12 / stride));
            float[][] got = gradients(s, x, w, r, stride, DataType.FLOAT32);
            float[][] want = gradients(s, x, w, r, stride, DataType.FLOAT64);
            for (int k = 0; k < 2; k++) {
                double scale = 1e-6;
                for (float v : want[k]) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < want[k].length; i++) {
                    if (!(Math.abs(got[k][i] - want[k][i]) <= 1e-4 * scale)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** Input and weight gradients of {@code sum(conv(x, w) * r)} through the engine in {@code type}. */
    private static float[][] gradients(NDManager nd, NDArray x0, NDArray w0, NDArray r0, int stride, DataType type) {
        try (NDManager s = nd.newSubManager()) {
            NDArray x = x0.toType(type, true);
            NDArray w = w0.toType(type, true);
            NDArray r = r0.toType(type, true);
            for (NDArray a : new NDArray[] {x, w, r}) {
                a.attach(s);
            }
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(engineConv(x, w, stride).mul(r).sum());
            }
            return new float[][] {x.getGradient().toType(DataType.FLOAT32, false).toFloatArray(),
                w.getGradient().toType(DataType.FLOAT32, false).toFloatArray()};
        }
    }

    private static NDArray gaussian(NDManager nd, Random random, Shape shape) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return nd.create(v, shape);
    }

    private static NDArray engineConv(NDArray x, NDArray w, int stride) {
        return x.getNDArrayInternal().convolution(x, w, null, new Shape(stride, stride), new Shape(1, 1),
                new Shape(1, 1), 1).singletonOrThrow();
    }
}
