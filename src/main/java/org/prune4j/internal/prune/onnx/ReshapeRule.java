package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.List;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;

/**
 * Reshape, Flatten, Squeeze, Unsqueeze: input and output axes are matched in runs of equal size
 * products (from the concrete shapes). A prunable axis that maps to one output axis keeps its layout; one
 * split into {@code (outer, inner)} (e.g. features → heads × head size) puts the layout on the outer axis
 * and makes whole inner blocks the units (heads); untracked inner axes merged into a prunable outer axis
 * scale its layout (channels × spatial → features, heads × head size → features). Reshape's target shape
 * must be rewritable where a prunable axis lands: a constant entry (rewritten), {@code -1} or a {@code 0}
 * that copies the same axis.
 */
final class ReshapeRule {
    private ReshapeRule() {}

    /** A run of input axes [i0, i1) and output axes [o0, o1) with equal size products. */
    record Run(int i0, int i1, int o0, int o1) {}

    static List<Run> runs(long[] in, long[] out) {
        List<Run> runs = new ArrayList<>();
        int i = 0;
        int o = 0;
        while (i < in.length || o < out.length) {
            int i0 = i;
            int o0 = o;
            long pi = 1;
            long po = 1;
            // take at least one axis on each side that has one left, then grow the smaller product
            if (i < in.length) {
                pi *= in[i++];
            }
            if (o < out.length) {
                po *= out[o++];
            }
            while (pi != po) {
                if (pi < po && i < in.length) {
                    pi *= in[i++];
                } else if (o < out.length) {
                    po *= out[o++];
                } else if (i < in.length) {
                    pi *= in[i++];
                } else {
                    return null;
                }
            }
            runs.add(new Run(i0, i, o0, o));
        }
        return runs;
    }

    static void apply(AnalysisState st, int index, NodeProto n) {
        String x = n.getInput(0);
        String out = n.getOutput(0);
        if (!st.tracked(x)) {
            return;
        }
        long[] in = st.graph.shape(x);
        long[] os = st.graph.shape(out);
        List<Run> runs = runs(in, os);
        String what = OnnxGraph.describe(n);
        if (runs == null) {
            st.stopAll(x, what + ": cannot match input and output axes");
            return;
        }
        List<Integer> landed = new ArrayList<>();
        for (Run run : runs) {
            List<Integer> ins = nonUnit(in, run.i0(), run.i1());
            List<Integer> outs = nonUnit(os, run.o0(), run.o1());
            List<Integer> trackedIns = new ArrayList<>();
            for (int a = run.i0(); a < run.i1(); a++) {
                if (st.layout(x, a) != null) {
                    trackedIns.add(a);
                }
            }
            if (trackedIns.isEmpty()) {
                continue;
            }
            Layout l = st.layout(x, trackedIns.get(0));
            if (trackedIns.size() > 1 || !ins.contains(trackedIns.get(0))) {
                trackedIns.forEach(a -> st.stop(st.layout(x, a), what + " mixes prunable axes"));
                continue;
            }
            int tin = trackedIns.get(0);
            int pos = ins.indexOf(tin);
            if (ins.size() == 1 && outs.size() == 1) {
                st.set(out, outs.get(0), l);
                landed.add(outs.get(0));
            } else if (ins.size() == 1 && outs.size() == 2) {
                // split: outer axis carries the layout, units become whole inner blocks
                long outer = os[outs.get(0)];
                if (l.segments().size() != 1) {
                    st.stop(l, what + " splits concatenated channels");
                    continue;
                }
                Segment s = l.segments().get(0);
                s.space().coarsenToDivide(outer);
                Layout lo = Layout.of(s.space(), outer);
                st.set(out, outs.get(0), lo);
                landed.add(outs.get(0));
            } else if (outs.size() == 1 && pos == 0) {
                long inner = 1;
                for (int k = 1; k < ins.size(); k++) {
                    inner *= in[ins.get(k)];
                }
                Layout lo = l.scaled(inner);
                st.set(out, outs.get(0), lo);
                landed.add(outs.get(0));
            } else {
                st.stop(l, what + " regroups a prunable axis");
            }
        }
        if (n.getOpType().equals("Reshape")) {
            for (int axis : landed) {
                Layout l = st.layout(out, axis);
                ShapeEntry e = ShapeEntry.find(st.graph, n, axis);
                switch (e.kind()) {
                    case CONSTANT -> st.edit(new Edit.ReshapeDim(index, axis, l));
                    case INFER -> { }
                    case COPY -> {
                        if (st.layout(x, axis) != l) {
                            st.stop(l, what + " copies a different input axis into a prunable axis");
                        }
                    }
                    case DYNAMIC -> st.stop(l, what + ": target shape of a prunable axis is computed, not constant");
                }
            }
        }
    }

    private static List<Integer> nonUnit(long[] dims, int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int a = from; a < to; a++) {
            if (dims[a] != 1) {
                out.add(a);
            }
        }
        return out;
    }
}
