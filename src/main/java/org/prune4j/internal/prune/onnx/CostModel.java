package org.prune4j.internal.prune.onnx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;

/**
 * Parameters and multiply-accumulates of the graph when each space keeps a given number of units,
 * computed from the probe shapes without rebuilding the model. Parameters are the elements of
 * floating-point constants (initializers and {@code Constant} nodes, which some exporters use for
 * weights); MACs count Conv, Gemm and MatMul (also activation × activation products
 * such as attention) at the probe input shapes.
 */
final class CostModel {
    private final GroupAnalysis analysis;
    private final Map<String, List<Edit.SliceConstant>> slicesByTensor = new HashMap<>();
    private final Set<String> prunableTensors = new HashSet<>();

    CostModel(GroupAnalysis analysis) {
        this.analysis = analysis;
        for (Edit e : analysis.state.edits) {
            if (e instanceof Edit.SliceConstant s) {
                slicesByTensor.computeIfAbsent(s.tensor(), k -> new java.util.ArrayList<>()).add(s);
            }
        }
        for (GroupAnalysis.Group g : analysis.groups) {
            for (Edit.SliceConstant s : g.slices()) {
                prunableTensors.add(s.tensor());
            }
        }
    }

    /** All floating-point parameters of the model with the given units kept (empty map: dense). */
    long parameters(Map<Space, Long> kept) {
        long total = 0;
        for (Map.Entry<String, Long> e : analysis.graph.floatParameters().entrySet()) {
            total += tensorSize(e.getKey(), kept);
        }
        return total;
    }

    /** The parameters of the initializers that prunable groups slice. */
    long prunableParameters(Map<Space, Long> kept) {
        long total = 0;
        for (String t : prunableTensors) {
            total += tensorSize(t, kept);
        }
        return total;
    }

    private long tensorSize(String t, Map<Space, Long> kept) {
        long[] dims = OnnxTensors.shape(analysis.graph.constants.get(t)).clone();
        for (Edit.SliceConstant s : slicesByTensor.getOrDefault(t, List.of())) {
            dims[s.axis()] = s.layout().keptLength(kept);
        }
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    private long dim(String tensor, int axis, Map<Space, Long> kept) {
        Layout l = analysis.state.layout(tensor, axis);
        return l == null ? analysis.graph.shape(tensor)[axis] : l.keptLength(kept);
    }

    private long elements(String tensor, Map<Space, Long> kept) {
        long n = 1;
        long[] s = analysis.graph.shape(tensor);
        for (int a = 0; a < s.length; a++) {
            n *= dim(tensor, a, kept);
        }
        return n;
    }

    /** Multiply-accumulates of one run at the probe shapes. */
    long macs(Map<Space, Long> kept) {
        long total = 0;
        OnnxGraph g = analysis.graph;
        for (NodeProto n : g.nodes) {
            if (!OnnxGraph.isDefaultDomain(n)) {
                continue;
            }
            switch (n.getOpType()) {
                case "Conv" -> {
                    String x = n.getInput(0);
                    long[] w = g.shape(n.getInput(1));
                    long k = 1;
                    for (int i = 2; i < w.length; i++) {
                        k *= w[i];
                    }
                    long group = OnnxGraph.attrInt(n, "group", 1);
                    long cin = dim(x, 1, kept);
                    long perGroupIn = group == 1 ? cin : group == g.shape(x)[1] ? 1 : w[1];
                    total += elements(n.getOutput(0), kept) * perGroupIn * k;
                }
                case "MatMul" -> {
                    String a = n.getInput(0);
                    long[] as = g.shape(a);
                    total += elements(n.getOutput(0), kept) * dim(a, as.length - 1, kept);
                }
                case "Gemm" -> {
                    String a = n.getInput(0);
                    boolean transA = OnnxGraph.attrInt(n, "transA", 0) != 0;
                    total += elements(n.getOutput(0), kept) * dim(a, transA ? 0 : 1, kept);
                }
                default -> { }
            }
        }
        return total;
    }
}
