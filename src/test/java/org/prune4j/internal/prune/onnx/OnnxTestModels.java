package org.prune4j.internal.prune.onnx;

import java.util.List;
import java.util.SplittableRandom;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxGraphBuilder;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;

/** Small ONNX graphs built by the tests themselves, with seeded random weights. */
public final class OnnxTestModels {
    private OnnxTestModels() {}

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    static float[] positive(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.5 + r.nextDouble());
        }
        return v;
    }

    private static void conv(OnnxGraphBuilder b, SplittableRandom r, String name, int cin, int cout, int group) {
        b.initializer(name + ".w", new long[] {cout, cin / group, 3, 3}, random(r, cout * cin / group * 9, 0.4));
        b.initializer(name + ".b", new long[] {cout}, random(r, cout, 0.1));
    }

    private static void bn(OnnxGraphBuilder b, SplittableRandom r, String name, int c) {
        b.initializer(name + ".scale", new long[] {c}, positive(r, c));
        b.initializer(name + ".bias", new long[] {c}, random(r, c, 0.2));
        b.initializer(name + ".mean", new long[] {c}, random(r, c, 0.2));
        b.initializer(name + ".var", new long[] {c}, positive(r, c));
    }

    /**
     * x[1,3,8,8] → conv a(4) → ReLU → Concat[zeros(2), ·, zeros(2)] (an option-A style shortcut, the zeros an
     * initializer and a ConstantOfShape) added to conv b(8) of the same ReLU → ReLU → conv c(5) →
     * GlobalAveragePool → Flatten → Gemm(3) = y.
     */
    public static ModelProto zeroPaddedShortcut() {
        SplittableRandom r = new SplittableRandom(5);
        OnnxGraphBuilder b = new OnnxGraphBuilder("shortcut")
                .input("x", OnnxDataType.FLOAT, 1L, 3L, 8L, 8L)
                .output("y", OnnxDataType.FLOAT, 1L, 3L);
        conv(b, r, "a", 3, 4, 1);
        conv(b, r, "b", 4, 8, 1);
        conv(b, r, "c", 8, 5, 1);
        b.initializer("fc.w", new long[] {3, 5}, random(r, 15, 0.5));
        b.initializer("zeros", new long[] {1, 2, 8, 8}, new float[128]);
        b.initializer("zeros.shape", new long[] {4}, new long[] {1, 2, 8, 8});
        long[] pads = {1, 1, 1, 1};
        b.node("Conv", List.of("x", "a.w", "a.b"), List.of("ca"), "pads", pads);
        b.node("Relu", List.of("ca"), List.of("ra"));
        b.node("ConstantOfShape", List.of("zeros.shape"), List.of("after"));
        b.node("Concat", List.of("zeros", "ra", "after"), List.of("sc"), "axis", 1L);
        b.node("Conv", List.of("ra", "b.w", "b.b"), List.of("cb"), "pads", pads);
        b.node("Add", List.of("cb", "sc"), List.of("s"));
        b.node("Relu", List.of("s"), List.of("rs"));
        b.node("Conv", List.of("rs", "c.w", "c.b"), List.of("cc"), "pads", pads);
        b.node("GlobalAveragePool", List.of("cc"), List.of("gap"));
        b.node("Flatten", List.of("gap"), List.of("flat"));
        b.node("Gemm", List.of("flat", "fc.w"), List.of("y"), "transB", 1L);
        return b.build(17);
    }

    /**
     * x[N,3,8,8] → conv1(8)+BN+ReLU → conv2(8)+BN → + conv1 branch (residual) → ReLU → conv3(6) → depthwise(6)
     * → ReLU → MaxPool → GlobalAveragePool → Flatten → Gemm(4) = y. With {@code lrn}, conv1's output goes
     * through LRN (no rule) before conv2.
     */
    public static ModelProto cnn(boolean lrn) {
        SplittableRandom r = new SplittableRandom(11);
        OnnxGraphBuilder b = new OnnxGraphBuilder("cnn")
                .input("x", OnnxDataType.FLOAT, "N", 3L, 8L, 8L)
                .output("y", OnnxDataType.FLOAT, "N", 4L)
                .valueInfo("c1", OnnxDataType.FLOAT, "N", 8L, 8L, 8L)
                .valueInfo("flat", OnnxDataType.FLOAT, "N", 6L);
        conv(b, r, "conv1", 3, 8, 1);
        bn(b, r, "bn1", 8);
        conv(b, r, "conv2", 8, 8, 1);
        bn(b, r, "bn2", 8);
        conv(b, r, "conv3", 8, 6, 1);
        conv(b, r, "dw", 6, 6, 6);
        b.initializer("fc.w", new long[] {4, 6}, random(r, 24, 0.5));
        b.initializer("fc.b", new long[] {4}, random(r, 4, 0.1));
        long[] pads = {1, 1, 1, 1};
        b.node("Conv", List.of("x", "conv1.w", "conv1.b"), List.of("c1"), "pads", pads);
        b.node("BatchNormalization", List.of("c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"), List.of("b1"));
        b.node("Relu", List.of("b1"), List.of("r1"));
        String into2 = "r1";
        if (lrn) {
            b.node("LRN", List.of("r1"), List.of("n1"), "size", 3L);
            into2 = "n1";
        }
        b.node("Conv", List.of(into2, "conv2.w", "conv2.b"), List.of("c2"), "pads", pads);
        b.node("BatchNormalization", List.of("c2", "bn2.scale", "bn2.bias", "bn2.mean", "bn2.var"), List.of("b2"));
        b.node("Add", List.of("b2", lrn ? "b2" : "r1"), List.of("s"));
        b.node("Relu", List.of("s"), List.of("r2"));
        b.node("Conv", List.of("r2", "conv3.w", "conv3.b"), List.of("c3"), "pads", pads);
        b.node("Conv", List.of("c3", "dw.w", "dw.b"), List.of("d"), "pads", pads, "group", 6L);
        b.node("Relu", List.of("d"), List.of("r3"));
        b.node("MaxPool", List.of("r3"), List.of("mp"), "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2});
        b.node("GlobalAveragePool", List.of("mp"), List.of("gap"));
        b.node("Flatten", List.of("gap"), List.of("flat"));
        b.node("Gemm", List.of("flat", "fc.w", "fc.b"), List.of("y"), "transB", 1L);
        return b.build(17);
    }

    /** x → Conv(8) → LRN → y: every group ends at an operator without a rule or the output. */
    public static ModelProto nothingPrunable() {
        SplittableRandom r = new SplittableRandom(3);
        OnnxGraphBuilder b = new OnnxGraphBuilder("lrn")
                .input("x", OnnxDataType.FLOAT, 1L, 3L, 8L, 8L)
                .output("y", OnnxDataType.FLOAT, 1L, 8L, 8L, 8L);
        conv(b, r, "conv", 3, 8, 1);
        b.node("Conv", List.of("x", "conv.w", "conv.b"), List.of("c"), "pads", new long[] {1, 1, 1, 1});
        b.node("LRN", List.of("c"), List.of("y"), "size", 3L);
        return b.build(17);
    }

    /**
     * x[1,3,8,8] → conv a(4), conv b(4) → Concat(axis 1) → ReLU → { conv c(8→6); Split [4, 4] → conv e(4→6),
     * conv f(4→6) } → c + e + f → GlobalAveragePool → Flatten → Gemm(3) = y.
     */
    public static ModelProto concatSplit() {
        SplittableRandom r = new SplittableRandom(13);
        OnnxGraphBuilder b = new OnnxGraphBuilder("cs")
                .input("x", OnnxDataType.FLOAT, 1L, 3L, 8L, 8L)
                .output("y", OnnxDataType.FLOAT, 1L, 3L);
        conv(b, r, "a", 3, 4, 1);
        conv(b, r, "b", 3, 4, 1);
        conv(b, r, "c", 8, 6, 1);
        conv(b, r, "e", 4, 6, 1);
        conv(b, r, "f", 4, 6, 1);
        b.initializer("fc.w", new long[] {6, 3}, random(r, 18, 0.5));
        b.initializer("split", new long[] {2}, new long[] {4, 4});
        long[] pads = {1, 1, 1, 1};
        b.node("Conv", List.of("x", "a.w", "a.b"), List.of("ya"), "pads", pads);
        b.node("Conv", List.of("x", "b.w", "b.b"), List.of("yb"), "pads", pads);
        b.node("Concat", List.of("ya", "yb"), List.of("cat"), "axis", 1L);
        b.node("Relu", List.of("cat"), List.of("rc"));
        b.node("Conv", List.of("rc", "c.w", "c.b"), List.of("yc"), "pads", pads);
        b.node("Split", List.of("rc", "split"), List.of("s0", "s1"), "axis", 1L);
        b.node("Conv", List.of("s0", "e.w", "e.b"), List.of("ye"), "pads", pads);
        b.node("Conv", List.of("s1", "f.w", "f.b"), List.of("yf"), "pads", pads);
        b.node("Add", List.of("yc", "ye"), List.of("ce"));
        b.node("Add", List.of("ce", "yf"), List.of("cef"));
        b.node("GlobalAveragePool", List.of("cef"), List.of("gap"));
        b.node("Flatten", List.of("gap"), List.of("flat"));
        b.node("MatMul", List.of("flat", "fc.w"), List.of("y"));
        return b.build(17);
    }

    static final int HIDDEN = 16;
    static final int HEADS = 4;
    static final int HEAD = 4;
    static final int FFN = 32;

    /**
     * A post-LN transformer block as exporters write it: Q/K/V MatMul + bias, Reshape to [B, S, heads,
     * head] (the shape of K and V built with Concat from Shape/Gather like torch exports, Q's a constant),
     * Transpose, QKᵀ / √d, Softmax, ·V, Transpose, Reshape back, output projection, residual, LayerNorm
     * decomposed into ReduceMean/Sub/Pow/Sqrt/Div, FFN with Erf-GELU, residual, fused LayerNormalization.
     * Input x[batch, seq, 16] (both axes dynamic), output y of the same shape.
     */
    public static ModelProto transformer() {
        SplittableRandom r = new SplittableRandom(5);
        int h = HIDDEN;
        OnnxGraphBuilder b = new OnnxGraphBuilder("block")
                .input("x", OnnxDataType.FLOAT, "batch", "seq", (long) h)
                .output("y", OnnxDataType.FLOAT, "batch", "seq", (long) h);
        for (String p : List.of("q", "k", "v", "o")) {
            b.initializer(p + ".w", new long[] {h, h}, random(r, h * h, 0.5));
            b.initializer(p + ".b", new long[] {h}, random(r, h, 0.1));
        }
        b.initializer("ln1.g", new long[] {h}, positive(r, h));
        b.initializer("ln1.b", new long[] {h}, random(r, h, 0.1));
        b.initializer("ln2.g", new long[] {h}, positive(r, h));
        b.initializer("ln2.b", new long[] {h}, random(r, h, 0.1));
        b.initializer("f1.w", new long[] {h, FFN}, random(r, h * FFN, 0.5));
        b.initializer("f1.b", new long[] {FFN}, random(r, FFN, 0.1));
        b.initializer("f2.w", new long[] {FFN, h}, random(r, h * FFN, 0.3));
        b.initializer("f2.b", new long[] {h}, random(r, h, 0.1));
        b.initializer("split_shape", new long[] {4}, new long[] {0, 0, HEADS, HEAD});
        b.initializer("merge_shape", new long[] {3}, new long[] {0, 0, h});
        b.initializer("heads", new long[] {1}, new long[] {HEADS});
        b.initializer("head", new long[] {1}, new long[] {HEAD});
        b.initializer("zero", new long[] {}, new long[] {0});
        b.initializer("one", new long[] {}, new long[] {1});
        b.initializer("axis_last", new long[] {1}, new long[] {-1});
        b.initializer("sqrt_d", new long[] {}, new float[] {(float) Math.sqrt(HEAD)});
        b.initializer("two", new long[] {}, new float[] {2f});
        b.initializer("eps", new long[] {}, new float[] {1e-5f});
        b.initializer("sqrt2", new long[] {}, new float[] {(float) Math.sqrt(2)});
        b.initializer("onef", new long[] {}, new float[] {1f});
        b.initializer("half", new long[] {}, new float[] {0.5f});
        for (String p : List.of("q", "k", "v")) {
            b.node("MatMul", List.of("x", p + ".w"), List.of(p + "_mm"));
            b.node("Add", List.of(p + ".b", p + "_mm"), List.of(p + "_lin"));
        }
        b.node("Reshape", List.of("q_lin", "split_shape"), List.of("q_h"));
        for (String p : List.of("k", "v")) {
            b.node("Shape", List.of(p + "_lin"), List.of(p + "_shape"));
            b.node("Gather", List.of(p + "_shape", "zero"), List.of(p + "_b"), "axis", 0L);
            b.node("Gather", List.of(p + "_shape", "one"), List.of(p + "_s"), "axis", 0L);
            b.node("Unsqueeze", List.of(p + "_b", "zero_axes"), List.of(p + "_b1"));
            b.node("Unsqueeze", List.of(p + "_s", "zero_axes"), List.of(p + "_s1"));
            b.node("Concat", List.of(p + "_b1", p + "_s1", "heads", "head"), List.of(p + "_target"), "axis", 0L);
            b.node("Reshape", List.of(p + "_lin", p + "_target"), List.of(p + "_h"));
        }
        b.initializer("zero_axes", new long[] {1}, new long[] {0});
        b.node("Transpose", List.of("q_h"), List.of("q_t"), "perm", new long[] {0, 2, 1, 3});
        b.node("Transpose", List.of("k_h"), List.of("k_t"), "perm", new long[] {0, 2, 3, 1});
        b.node("Transpose", List.of("v_h"), List.of("v_t"), "perm", new long[] {0, 2, 1, 3});
        b.node("MatMul", List.of("q_t", "k_t"), List.of("scores"));
        b.node("Div", List.of("scores", "sqrt_d"), List.of("scaled"));
        b.node("Softmax", List.of("scaled"), List.of("probs"), "axis", -1L);
        b.node("MatMul", List.of("probs", "v_t"), List.of("ctx"));
        b.node("Transpose", List.of("ctx"), List.of("ctx_t"), "perm", new long[] {0, 2, 1, 3});
        b.node("Reshape", List.of("ctx_t", "merge_shape"), List.of("ctx_m"));
        b.node("MatMul", List.of("ctx_m", "o.w"), List.of("o_mm"));
        b.node("Add", List.of("o_mm", "o.b"), List.of("o_lin"));
        b.node("Add", List.of("o_lin", "x"), List.of("res1"));
        // decomposed LayerNorm
        b.node("ReduceMean", List.of("res1", "axis_last"), List.of("mu"));
        b.node("Sub", List.of("res1", "mu"), List.of("xc"));
        b.node("Pow", List.of("xc", "two"), List.of("sq"));
        b.node("ReduceMean", List.of("sq", "axis_last"), List.of("var"));
        b.node("Add", List.of("var", "eps"), List.of("var_eps"));
        b.node("Sqrt", List.of("var_eps"), List.of("std"));
        b.node("Div", List.of("xc", "std"), List.of("xn"));
        b.node("Mul", List.of("xn", "ln1.g"), List.of("xg"));
        b.node("Add", List.of("xg", "ln1.b"), List.of("h1"));
        // FFN with Erf GELU
        b.node("MatMul", List.of("h1", "f1.w"), List.of("f1_mm"));
        b.node("Add", List.of("f1_mm", "f1.b"), List.of("f1_lin"));
        b.node("Div", List.of("f1_lin", "sqrt2"), List.of("g_div"));
        b.node("Erf", List.of("g_div"), List.of("g_erf"));
        b.node("Add", List.of("g_erf", "onef"), List.of("g_add"));
        b.node("Mul", List.of("f1_lin", "g_add"), List.of("g_mul"));
        b.node("Mul", List.of("g_mul", "half"), List.of("gelu"));
        b.node("MatMul", List.of("gelu", "f2.w"), List.of("f2_mm"));
        b.node("Add", List.of("f2_mm", "f2.b"), List.of("f2_lin"));
        b.node("Add", List.of("f2_lin", "h1"), List.of("res2"));
        b.node("LayerNormalization", List.of("res2", "ln2.g", "ln2.b"), List.of("y"), "axis", -1L);
        return b.build(18);
    }
}
