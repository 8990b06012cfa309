package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;

/**
 * The coupling rules: for each operator, how the channel layouts of its inputs reach its outputs, which
 * spaces it couples, which new spaces it creates (Conv, Gemm, MatMul with a constant weight, Gather from
 * an embedding table) and which edits removal needs. An operator without a rule stops the groups that
 * reach it.
 */
final class OperatorRules {
    private static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish",
            "Tanh", "Gelu", "Erf", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Mish", "Exp", "Log", "Sqrt", "Neg", "Abs",
            "Reciprocal", "Identity", "Dropout", "Cast", "Not", "Sin", "Cos", "Floor", "Ceil", "Round", "Sign", "Clip",
            "ThresholdedRelu", "Softmax", "LogSoftmax", "Hardmax", "IsNaN", "IsInf", "CastLike");
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
            "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "PRelu", "Mod");
    private static final Set<String> SAME_DIMS = Set.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
            "LpPool", "GlobalLpPool", "Pad", "Tile", "Resize", "Upsample");
    private static final Set<String> RESHAPES = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze");
    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size", "Constant", "ConstantOfShape", "Range");

    private OperatorRules() {}

    static void apply(AnalysisState st, int index) {
        NodeProto n = st.graph.nodes.get(index);
        String op = n.getOpType();
        boolean anyTracked = n.getInputList().stream().anyMatch(i -> !i.isEmpty() && st.tracked(i));
        if (!OnnxGraph.isDefaultDomain(n)) {
            st.stopInputs(n, "unknown operator " + n.getDomain() + "." + OnnxGraph.describe(n));
            return;
        }
        switch (op) {
            case "Conv" -> conv(st, index, n);
            case "BatchNormalization", "InstanceNormalization" -> perChannel(st, index, n);
            case "Gemm" -> gemm(st, index, n);
            case "MatMul" -> matmul(st, index, n);
            case "LayerNormalization" -> layerNorm(st, index, n);
            case "Concat" -> concat(st, index, n);
            case "Split" -> split(st, index, n);
            case "Slice" -> slice(st, n);
            case "Transpose" -> transpose(st, n);
            case "Gather" -> gather(st, index, n);
            default -> {
                if (UNARY.contains(op)) {
                    passAll(st, n);
                } else if (ELEMENTWISE.contains(op)) {
                    elementwise(st, index, n);
                } else if (SAME_DIMS.contains(op)) {
                    sameDims(st, n);
                } else if (RESHAPES.contains(op)) {
                    ReshapeRule.apply(st, index, n);
                } else if (op.startsWith("Reduce")) {
                    reduce(st, n);
                } else if (SHAPE_ONLY.contains(op)) {
                    // reads only the shape (or nothing): removing channels updates the shape it sees
                } else if (anyTracked) {
                    st.stopInputs(n, "unknown operator " + OnnxGraph.describe(n));
                }
            }
        }
    }

    private static String what(NodeProto n) {
        return OnnxGraph.describe(n);
    }

    private static void conv(AnalysisState st, int index, NodeProto n) {
        String x = n.getInput(0);
        String w = n.getInput(1);
        String out = n.getOutput(0);
        Layout lx = st.layout(x, 1);
        if (!st.graph.isConstant(w)) {
            st.stopAll(x, what(n) + " has a non-constant weight");
            return;
        }
        long[] ws = st.graph.shape(w);
        long group = OnnxGraph.attrInt(n, "group", 1);
        long cin = st.dim(x, 1);
        long cout = ws[0];
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() && st.graph.isConstant(n.getInput(2));
        Layout lo;
        if (group == 1) {
            lo = Layout.of(st.newSpace(cout, what(n) + " output channels"), cout);
            if (lx != null) {
                st.edit(new Edit.SliceConstant(index, 1, w, 1, lx, x, 1));
            }
        } else if (group == cin && ws[1] == 1 && cout == cin) {
            if (lx == null) {
                return;
            }
            lo = lx;
            st.edit(new Edit.ConvGroups(index, lo));
        } else {
            st.stop(lx, what(n) + " is a grouped convolution (group " + group + ")");
            return;
        }
        st.edit(new Edit.SliceConstant(index, 1, w, 0, lo, null, -1));
        if (bias) {
            st.edit(new Edit.SliceConstant(index, 2, n.getInput(2), 0, lo, null, -1));
        }
        st.set(out, 1, lo);
        for (int a = 2; a < st.rank(x); a++) {
            if (st.layout(x, a) != null) {
                st.stop(st.layout(x, a), what(n) + " convolves a prunable axis");
            }
        }
    }

    private static void perChannel(AnalysisState st, int index, NodeProto n) {
        String x = n.getInput(0);
        passAll(st, n);
        Layout lx = st.layout(x, 1);
        if (lx == null) {
            return;
        }
        for (int k = 1; k < n.getInputCount(); k++) {
            String p = n.getInput(k);
            if (p.isEmpty()) {
                continue;
            }
            if (!st.graph.isConstant(p)) {
                st.stop(lx, what(n) + " has non-constant statistics");
                return;
            }
            st.edit(new Edit.SliceConstant(index, k, p, 0, lx, null, -1));
        }
    }

    private static void gemm(AnalysisState st, int index, NodeProto n) {
        String a = n.getInput(0);
        String b = n.getInput(1);
        if (!st.graph.isConstant(b)) {
            st.stopInputs(n, what(n) + " has a non-constant weight");
            return;
        }
        boolean transA = OnnxGraph.attrInt(n, "transA", 0) != 0;
        boolean transB = OnnxGraph.attrInt(n, "transB", 0) != 0;
        long[] bs = st.graph.shape(b);
        long outN = transB ? bs[0] : bs[1];
        if (transA) {
            st.stopAll(a, what(n) + " transposes its input");
        } else {
            Layout la = st.layout(a, 1);
            if (la != null) {
                st.edit(new Edit.SliceConstant(index, 1, b, transB ? 1 : 0, la, a, 1));
            }
        }
        Layout lo = Layout.of(st.newSpace(outN, what(n) + " output features"), outN);
        st.edit(new Edit.SliceConstant(index, 1, b, transB ? 0 : 1, lo, null, -1));
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            String c = n.getInput(2);
            long[] cs = st.graph.shape(c);
            if (!st.graph.isConstant(c)) {
                st.stop(lo, what(n) + " has a non-constant bias");
            } else if (cs.length >= 1 && cs[cs.length - 1] == outN && outN > 1) {
                st.edit(new Edit.SliceConstant(index, 2, c, cs.length - 1, lo, null, -1));
            }
        }
        st.set(n.getOutput(0), 1, lo);
    }

    private static void matmul(AnalysisState st, int index, NodeProto n) {
        String a = n.getInput(0);
        String b = n.getInput(1);
        String out = n.getOutput(0);
        int ra = st.rank(a);
        int rb = st.rank(b);
        int ro = st.rank(out);
        boolean ca = st.graph.isConstant(a);
        boolean cb = st.graph.isConstant(b);
        if (cb && !ca && rb == 2 && ra >= 2) {
            Layout la = st.layout(a, ra - 1);
            if (la != null) {
                st.edit(new Edit.SliceConstant(index, 1, b, 0, la, a, ra - 1));
            }
            long outN = st.graph.shape(b)[1];
            Layout lo = Layout.of(st.newSpace(outN, what(n) + " output features"), outN);
            st.edit(new Edit.SliceConstant(index, 1, b, 1, lo, null, -1));
            for (int i = 0; i < ra - 1; i++) {
                st.set(out, i, st.layout(a, i));
            }
            st.set(out, ro - 1, lo);
            return;
        }
        if (ca || cb || ra != rb || ra < 2) {
            st.stopInputs(n, what(n) + " is not a weight product or a batched product of equal ranks");
            return;
        }
        for (int i = 0; i < ra - 2; i++) {
            Layout la = st.layout(a, i);
            Layout lb = st.layout(b, i);
            long da = st.dim(a, i);
            long db = st.dim(b, i);
            Layout l;
            if (da == 1 && db > 1) {
                l = lb;
            } else if (db == 1 && da > 1) {
                l = la;
            } else if ((la == null) != (lb == null)) {
                st.stop(la == null ? lb : la, what(n) + " pairs prunable channels with fixed ones");
                l = null;
            } else {
                l = st.couple(la, lb, what(n));
            }
            st.set(out, i, l);
        }
        Layout ka = st.layout(a, ra - 1);
        Layout kb = st.layout(b, rb - 2);
        if ((ka == null) != (kb == null)) {
            st.stop(ka == null ? kb : ka, what(n) + " contracts prunable channels with fixed ones");
        } else if (ka != null) {
            st.couple(ka, kb, what(n));
        }
        st.set(out, ro - 2, st.layout(a, ra - 2));
        st.set(out, ro - 1, st.layout(b, rb - 1));
    }

    private static void layerNorm(AnalysisState st, int index, NodeProto n) {
        String x = n.getInput(0);
        int r = st.rank(x);
        int axis = (int) OnnxGraph.attrInt(n, "axis", -1);
        if (axis < 0) {
            axis += r;
        }
        passAll(st, n);
        for (int a = axis; a < r; a++) {
            Layout l = st.layout(x, a);
            if (l == null) {
                continue;
            }
            for (int k = 1; k < Math.min(3, n.getInputCount()); k++) {
                String p = n.getInput(k);
                if (p.isEmpty()) {
                    continue;
                }
                if (!st.graph.isConstant(p)) {
                    st.stop(l, what(n) + " has a non-constant scale or bias");
                    continue;
                }
                long[] ps = st.graph.shape(p);
                int pa = a - (r - ps.length);
                if (pa >= 0 && ps[pa] > 1) {
                    st.edit(new Edit.SliceConstant(index, k, p, pa, l, null, -1));
                }
            }
        }
    }

    /** Copies every axis layout of input 0 to each output of the same rank. */
    static void passAll(AnalysisState st, NodeProto n) {
        String x = n.getInput(0);
        int r = st.rank(x);
        for (String out : n.getOutputList()) {
            if (out.isEmpty() || st.rank(out) != r) {
                continue;
            }
            for (int a = 0; a < r; a++) {
                if (st.dim(out, a) == st.dim(x, a)) {
                    st.set(out, a, st.layout(x, a));
                }
            }
        }
    }

    private static void sameDims(AnalysisState st, NodeProto n) {
        String x = n.getInput(0);
        String out = n.getOutput(0);
        int r = st.rank(x);
        boolean resizeBySizes = (n.getOpType().equals("Resize") && n.getInputCount() > 3 && !n.getInput(3).isEmpty());
        for (int a = 0; a < r; a++) {
            Layout l = st.layout(x, a);
            if (l == null) {
                continue;
            }
            if (resizeBySizes || st.rank(out) != r || st.dim(out, a) != st.dim(x, a)) {
                st.stop(l, what(n) + " changes the size of a prunable axis");
            } else {
                st.set(out, a, l);
            }
        }
        for (int o = 1; o < n.getOutputCount(); o++) {
            if (!n.getOutput(o).isEmpty() && st.graph.uses(n.getOutput(o)) > 0) {
                st.stopAll(x, what(n) + " has a second output in use");
            }
        }
    }

    private static void elementwise(AnalysisState st, int index, NodeProto n) {
        String out = n.getOutput(0);
        int r = st.rank(out);
        for (int j = 0; j < r; j++) {
            long outDim = st.dim(out, j);
            List<Layout> tracked = new ArrayList<>();
            boolean untrackedOperand = false;
            List<int[]> constants = new ArrayList<>();
            for (int k = 0; k < n.getInputCount(); k++) {
                String in = n.getInput(k);
                if (in.isEmpty()) {
                    continue;
                }
                int rk = st.rank(in);
                int jk = j - (r - rk);
                if (jk < 0) {
                    continue;
                }
                long dk = st.dim(in, jk);
                if (st.graph.isConstant(in)) {
                    if (dk > 1) {
                        constants.add(new int[] {k, jk});
                    }
                    continue;
                }
                if (dk != outDim || dk == 1) {
                    continue;
                }
                Layout l = st.layout(in, jk);
                if (l == null) {
                    untrackedOperand = true;
                } else {
                    tracked.add(l);
                }
            }
            if (tracked.isEmpty()) {
                continue;
            }
            if (untrackedOperand) {
                for (Layout l : tracked) {
                    st.stop(l, what(n) + " combines prunable channels with fixed ones");
                }
                continue;
            }
            Layout l = tracked.get(0);
            for (int t = 1; t < tracked.size(); t++) {
                l = st.couple(l, tracked.get(t), what(n));
            }
            for (int[] c : constants) {
                st.edit(new Edit.SliceConstant(index, c[0], n.getInput(c[0]), c[1], l, null, -1));
            }
            st.set(out, j, l);
        }
    }

    private static void reduce(AnalysisState st, NodeProto n) {
        String x = n.getInput(0);
        String out = n.getOutput(0);
        int r = st.rank(x);
        long[] axes = OnnxGraph.attrInts(n, "axes");
        if (axes == null && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
            axes = st.graph.constantLongs(n.getInput(1));
            if (axes == null) {
                st.stopAll(x, what(n) + " has non-constant axes");
                return;
            }
        }
        boolean keep = OnnxGraph.attrInt(n, "keepdims", 1) != 0;
        boolean[] reduced = new boolean[r];
        if (axes == null || axes.length == 0) {
            if (OnnxGraph.attrInt(n, "noop_with_empty_axes", 0) == 0) {
                java.util.Arrays.fill(reduced, true);
            }
        } else {
            for (long a : axes) {
                reduced[(int) (a < 0 ? a + r : a)] = true;
            }
        }
        int o = 0;
        for (int a = 0; a < r; a++) {
            if (!reduced[a]) {
                st.set(out, o, st.layout(x, a));
            }
            if (!reduced[a] || keep) {
                o++;
            }
        }
    }

    private static void concat(AnalysisState st, int index, NodeProto n) {
        String out = n.getOutput(0);
        int r = st.rank(out);
        int axis = (int) OnnxGraph.attrInt(n, "axis", 0);
        if (axis < 0) {
            axis += r;
        }
        if (!zeroPadding(st, index, n, axis)) {
            concatSegments(st, n, axis);
        }
        for (int j = 0; j < r; j++) {
            if (j == axis) {
                continue;
            }
            List<Layout> ls = new ArrayList<>();
            boolean untracked = false;
            for (String in : n.getInputList()) {
                Layout l = st.layout(in, j);
                if (l == null) {
                    untracked |= st.dim(in, j) > 1;
                } else {
                    ls.add(l);
                }
            }
            if (ls.isEmpty()) {
                continue;
            }
            if (untracked) {
                ls.forEach(l -> st.stop(l, what(n) + " joins prunable channels with fixed ones"));
                continue;
            }
            Layout l = ls.get(0);
            for (int t = 1; t < ls.size(); t++) {
                l = st.couple(l, ls.get(t), what(n));
            }
            st.set(out, j, l);
        }
    }

    /** The concatenation axis made of the inputs' segments in order; untracked inputs are fixed segments. */
    private static void concatSegments(AnalysisState st, NodeProto n, int axis) {
        List<Segment> segs = new ArrayList<>();
        boolean any = false;
        for (String in : n.getInputList()) {
            Layout l = st.layout(in, axis);
            if (l == null) {
                segs.add(new Segment(null, st.dim(in, axis)));
            } else {
                segs.addAll(l.segments());
                any = true;
            }
        }
        if (any) {
            st.set(n.getOutput(0), axis, new Layout(segs));
        }
    }

    /**
     * A Concat of one prunable input and zero blocks (e.g. the CIFAR ResNets' option-A shortcut,
     * {@code Concat[zeros, x, zeros]} on the channel axis) is an index map: output channel
     * {@code c + offset} copies channel {@code c} of the input, the zero channels copy nothing. The output
     * gets a space of its own (coupled downstream, e.g. by the residual Add, to the block's output
     * channels), independent of the input's: both sides are pruned separately and the map follows
     * ({@link Edit.ZeroPadMap}). Returns whether the rule applied.
     */
    private static boolean zeroPadding(AnalysisState st, int index, NodeProto n, int axis) {
        int source = -1;
        long offset = 0;
        long before = 0;
        boolean zeros = false;
        for (int k = 0; k < n.getInputCount(); k++) {
            String in = n.getInput(k);
            if (st.layout(in, axis) != null && source < 0) {
                source = k;
                offset = before;
            } else if (st.graph.isZeros(in)) {
                zeros = true;
            } else {
                return false;
            }
            before += st.dim(in, axis);
        }
        if (source < 0 || !zeros) {
            return false;
        }
        String out = n.getOutput(0);
        long len = st.dim(out, axis);
        Layout lo = Layout.of(st.newSpace(len, what(n) + " output channels (zero-padded)"), len);
        st.edit(new Edit.ZeroPadMap(index, source, axis, offset, st.layout(n.getInput(source), axis), lo));
        st.set(out, axis, lo);
        return true;
    }

    /** The part {@code [from, from+len)} of {@code l}; spaces cut in the middle are stopped and become fixed. */
    static Layout cut(AnalysisState st, Layout l, long from, long len, String where) {
        List<Segment> out = new ArrayList<>();
        long off = 0;
        for (Segment s : l.segments()) {
            long s0 = off;
            long s1 = off + s.length();
            long a = Math.max(s0, from);
            long b = Math.min(s1, from + len);
            if (a < b) {
                if (s.fixed() || (a == s0 && b == s1)) {
                    out.add(a == s0 && b == s1 ? s : new Segment(null, b - a));
                } else {
                    st.stop(new Layout(List.of(s)), where + " cuts through a group");
                    out.add(new Segment(null, b - a));
                }
            }
            off = s1;
        }
        return new Layout(out);
    }

    private static void split(AnalysisState st, int index, NodeProto n) {
        String x = n.getInput(0);
        int r = st.rank(x);
        int axis = (int) OnnxGraph.attrInt(n, "axis", 0);
        if (axis < 0) {
            axis += r;
        }
        for (String out : n.getOutputList()) {
            for (int j = 0; j < r; j++) {
                if (j != axis) {
                    st.set(out, j, st.layout(x, j));
                }
            }
        }
        Layout l = st.layout(x, axis);
        if (l == null) {
            return;
        }
        boolean explicit = OnnxGraph.attrInts(n, "split") != null
                || (n.getInputCount() > 1 && !n.getInput(1).isEmpty() && st.graph.isConstant(n.getInput(1)));
        if (!explicit) {
            st.stop(l, what(n) + " splits a prunable axis into equal parts");
            return;
        }
        List<Layout> outs = new ArrayList<>();
        long off = 0;
        for (String out : n.getOutputList()) {
            long len = st.dim(out, axis);
            Layout part = cut(st, l, off, len, what(n));
            outs.add(part);
            st.set(out, axis, part);
            off += len;
        }
        st.edit(new Edit.SplitSizes(index, outs));
    }

    private static void slice(AnalysisState st, NodeProto n) {
        String x = n.getInput(0);
        String out = n.getOutput(0);
        int r = st.rank(x);
        for (int a = 0; a < r; a++) {
            Layout l = st.layout(x, a);
            if (l == null) {
                continue;
            }
            if (st.dim(out, a) == st.dim(x, a)) {
                st.set(out, a, l);
            } else {
                st.stop(l, what(n) + " slices a prunable axis");
            }
        }
    }

    private static void transpose(AnalysisState st, NodeProto n) {
        String x = n.getInput(0);
        String out = n.getOutput(0);
        int r = st.rank(x);
        long[] perm = OnnxGraph.attrInts(n, "perm");
        for (int i = 0; i < r; i++) {
            int from = perm == null ? r - 1 - i : (int) perm[i];
            st.set(out, i, st.layout(x, from));
        }
    }

    private static void gather(AnalysisState st, int index, NodeProto n) {
        String data = n.getInput(0);
        String indices = n.getInput(1);
        String out = n.getOutput(0);
        int r = st.rank(data);
        int q = st.rank(indices);
        int axis = (int) OnnxGraph.attrInt(n, "axis", 0);
        if (axis < 0) {
            axis += r;
        }
        st.stopAll(indices, what(n) + " uses prunable values as indices");
        if (st.graph.isConstant(data)) {
            if (r == 2 && axis == 0 && !st.graph.isConstant(indices)) {
                long e = st.dim(data, 1);
                Layout lo = Layout.of(st.newSpace(e, what(n) + " embedding features"), e);
                st.edit(new Edit.SliceConstant(index, 0, data, 1, lo, null, -1));
                st.set(out, q, lo);
            }
            return;
        }
        if (st.layout(data, axis) != null) {
            st.stop(st.layout(data, axis), what(n) + " gathers along a prunable axis");
        }
        for (int a = 0; a < r; a++) {
            if (a < axis) {
                st.set(out, a, st.layout(data, a));
            } else if (a > axis) {
                st.set(out, a + q - 1, st.layout(data, a));
            }
        }
    }
}
