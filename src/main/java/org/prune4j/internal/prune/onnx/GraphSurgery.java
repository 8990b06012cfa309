package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.proto.Onnx.AttributeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.GraphProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorShapeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Applies the kept units to the model: constants are sliced (an initializer read by one node is
 * replaced in place, keeping its name; a shared one gets a sliced copy for each reader), Reshape target
 * shapes, Split sizes and depthwise Conv groups are rewritten, a zero-padding Concat becomes a Gather of its kept
 * channels and a zero channel, declared intermediate shapes updated, and nodes and constants nothing reads any
 * more are dropped. Graph inputs and outputs are untouched.
 *
 * <p>{@link #mask} instead zeroes the removed units' parameters and keeps every shape, the reference
 * a removal must reproduce.
 */
final class GraphSurgery {
    private final GroupAnalysis analysis;
    private final OnnxGraph g;
    private final Map<Space, int[]> keep;
    /** (node, input) → the constant value that input reads after the edits so far. */
    private final Map<List<Integer>, TensorProto> rewired = new LinkedHashMap<>();
    /** Node index → nodes inserted just before it, and the initializers they read. */
    private final Map<Integer, List<NodeProto>> inserted = new HashMap<>();
    private final List<TensorProto> added = new ArrayList<>();
    private final Set<String> taken = new HashSet<>();

    private GraphSurgery(GroupAnalysis analysis, Map<Space, int[]> keep) {
        this.analysis = analysis;
        this.g = analysis.graph;
        this.keep = keep;
        taken.addAll(g.producer.keySet());
        taken.addAll(g.constants.keySet());
        taken.addAll(g.graphInputs);
    }

    static ModelProto remove(GroupAnalysis analysis, Map<Space, int[]> keep) {
        return new GraphSurgery(analysis, keep).apply(false);
    }

    static ModelProto mask(GroupAnalysis analysis, Map<Space, int[]> keep) {
        return new GraphSurgery(analysis, keep).apply(true);
    }

    private TensorProto current(int node, int input) {
        return rewired.computeIfAbsent(List.of(node, input), k -> g.constants.get(g.nodes.get(node).getInput(input)));
    }

    private static boolean isAll(int[] kept, long length) {
        return kept.length == length;
    }

    private ModelProto apply(boolean maskOnly) {
        List<NodeProto.Builder> nodes = new ArrayList<>();
        for (NodeProto n : g.nodes) {
            nodes.add(n.toBuilder());
        }
        for (Edit e : analysis.state.edits) {
            switch (e) {
                case Edit.SliceConstant s -> {
                    int[] kept = s.layout().keptPositions(keep);
                    TensorProto t = current(s.node(), s.input());
                    if (isAll(kept, OnnxTensors.shape(t)[s.axis()])) {
                        continue;
                    }
                    rewired.put(List.of(s.node(), s.input()), maskOnly ? zeroOthers(t, s.axis(), kept) : OnnxTensors.select(t, s.axis(), kept));
                }
                case Edit.ReshapeDim r -> {
                    if (maskOnly) {
                        continue;
                    }
                    ShapeEntry entry = ShapeEntry.find(g, g.nodes.get(r.node()), r.axis());
                    TensorProto t = current(entry.node(), entry.input());
                    long[] v = OnnxTensors.toLongs(t);
                    long now = r.layout().keptLength(counts());
                    if (v[entry.element()] != now) {
                        v[entry.element()] = now;
                        rewired.put(List.of(entry.node(), entry.input()), withLongs(t, v));
                    }
                }
                case Edit.ConvGroups c -> {
                    if (!maskOnly) {
                        setInt(nodes.get(c.node()), "group", c.layout().keptLength(counts()));
                    }
                }
                case Edit.ZeroPadMap z -> {
                    if (!maskOnly) {
                        zeroPadMap(z, nodes.get(z.node()));
                    }
                }
                case Edit.SplitSizes sp -> {
                    if (maskOnly) {
                        continue;
                    }
                    long[] sizes = sp.outputs().stream().mapToLong(l -> l.keptLength(counts())).toArray();
                    NodeProto.Builder nb = nodes.get(sp.node());
                    if (OnnxGraph.attrInts(g.nodes.get(sp.node()), "split") != null) {
                        setInts(nb, "split", sizes);
                    } else {
                        TensorProto t = current(sp.node(), 1);
                        rewired.put(List.of(sp.node(), 1), withLongs(t, sizes));
                    }
                }
            }
        }
        GraphProto.Builder gb = g.model.getGraph().toBuilder();
        Map<String, Integer> initIndex = new HashMap<>();
        for (int i = 0; i < gb.getInitializerCount(); i++) {
            initIndex.put(gb.getInitializer(i).getName(), i);
        }
        gb.addAllInitializer(added);
        for (Map.Entry<List<Integer>, TensorProto> e : rewired.entrySet()) {
            int node = e.getKey().get(0);
            int input = e.getKey().get(1);
            String name = g.nodes.get(node).getInput(input);
            TensorProto value = e.getValue();
            if (value == g.constants.get(name)) {
                continue;
            }
            if (g.initializers.contains(name) && g.uses(name) == 1) {
                gb.setInitializer(initIndex.get(name), value.toBuilder().setName(name));
            } else {
                String fresh = fresh(name + "/pruned_" + node);
                gb.addInitializer(value.toBuilder().setName(fresh));
                nodes.get(node).setInput(input, fresh);
            }
        }
        gb.clearNode();
        for (int i = 0; i < nodes.size(); i++) {
            gb.addAllNode(inserted.getOrDefault(i, List.of()));
            gb.addNode(nodes.get(i));
        }
        if (!maskOnly) {
            updateValueInfos(gb);
        }
        dropUnused(gb);
        return g.model.toBuilder().setGraph(gb).build();
    }

    /** A tensor name not used yet in the graph, {@code base} or {@code base_2}, {@code base_3}, .... */
    private String fresh(String base) {
        String name = base;
        for (int k = 2; taken.contains(name); k++) {
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }

    /**
     * Rewrites a zero-padding Concat as {@code Gather(Concat[x, first zero block], map)} along its axis: each kept
     * output position reads its kept input position, or the zero channel appended after the kept inputs.
     */
    private void zeroPadMap(Edit.ZeroPadMap z, NodeProto.Builder nb) {
        NodeProto n = g.nodes.get(z.node());
        int[] src = z.source().keptPositions(keep);
        int srcLength = Math.toIntExact(z.source().length());
        int[] rank = new int[srcLength];
        java.util.Arrays.fill(rank, -1);
        for (int i = 0; i < src.length; i++) {
            rank[src[i]] = i;
        }
        int[] out = z.output().keptPositions(keep);
        if (src.length == srcLength && out.length == z.output().length()) {
            return; // neither side pruned: the Concat stays as it is
        }
        long[] map = new long[out.length];
        for (int j = 0; j < out.length; j++) {
            long p = out[j] - z.offset();
            map[j] = p >= 0 && p < srcLength && rank[(int) p] >= 0 ? rank[(int) p] : src.length;
        }
        String zerosIn = null;
        for (int k = 0; k < n.getInputCount() && zerosIn == null; k++) {
            if (k != z.input()) {
                zerosIn = n.getInput(k);
            }
        }
        String base = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
        String padded = fresh(base + "/padded");
        inserted.computeIfAbsent(z.node(), k -> new ArrayList<>()).add(NodeProto.newBuilder().setOpType("Concat")
                .setName(padded).addInput(n.getInput(z.input())).addInput(zerosIn).addOutput(padded)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(z.axis()))
                .build());
        String indices = fresh(base + "/channel_map");
        added.add(OnnxTensors.ofLongs(indices, new long[] {map.length}, map));
        nb.setOpType("Gather").clearInput().addInput(padded).addInput(indices).clearAttribute()
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(z.axis()));
    }

    private Map<Space, Long> counts() {
        Map<Space, Long> c = new HashMap<>();
        keep.forEach((k, v) -> c.put(k, (long) v.length));
        return c;
    }

    private void updateValueInfos(GraphProto.Builder gb) {
        Map<Space, Long> c = counts();
        for (int i = 0; i < gb.getValueInfoCount(); i++) {
            ValueInfoProto v = gb.getValueInfo(i);
            if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
                continue;
            }
            TensorShapeProto shape = v.getType().getTensorType().getShape();
            TensorShapeProto.Builder sb = shape.toBuilder();
            boolean changed = false;
            for (int a = 0; a < shape.getDimCount(); a++) {
                Layout l = analysis.state.layout(v.getName(), a);
                if (l != null && shape.getDim(a).hasDimValue()) {
                    long now = l.keptLength(c);
                    if (now != shape.getDim(a).getDimValue()) {
                        sb.setDim(a, shape.getDim(a).toBuilder().setDimValue(now));
                        changed = true;
                    }
                }
            }
            if (changed) {
                ValueInfoProto.Builder vb = v.toBuilder();
                vb.getTypeBuilder().getTensorTypeBuilder().setShape(sb);
                gb.setValueInfo(i, vb);
            }
        }
    }

    /**
     * Removes nodes whose outputs nothing reads any more (e.g. the zero block a rewritten zero-padding Concat no
     * longer needs, and the shape arithmetic behind it; ONNX operators of the default domain have no side
     * effects), then initializers that nothing reads.
     */
    private static void dropUnused(GraphProto.Builder gb) {
        Set<String> read = reads(gb);
        for (boolean removed = true; removed; ) {
            removed = false;
            for (int i = gb.getNodeCount() - 1; i >= 0; i--) {
                NodeProto n = gb.getNode(i);
                if (OnnxGraph.isDefaultDomain(n) && n.getOutputList().stream().noneMatch(read::contains)) {
                    gb.removeNode(i);
                    removed = true;
                }
            }
            read = reads(gb);
        }
        for (int i = gb.getInitializerCount() - 1; i >= 0; i--) {
            if (!read.contains(gb.getInitializer(i).getName())) {
                gb.removeInitializer(i);
            }
        }
    }

    /** Every tensor name a node (or a nested subgraph) or the graph's outputs read. */
    private static Set<String> reads(GraphProto.Builder gb) {
        Set<String> read = new HashSet<>();
        for (NodeProto n : gb.getNodeList()) {
            read.addAll(n.getInputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collect(a.getG(), read);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collect(sub, read);
                }
            }
        }
        for (ValueInfoProto o : gb.getOutputList()) {
            read.add(o.getName());
        }
        return read;
    }

    private static void collect(GraphProto g, Set<String> read) {
        for (NodeProto n : g.getNodeList()) {
            read.addAll(n.getInputList());
        }
    }

    private static TensorProto withLongs(TensorProto t, long[] values) {
        TensorProto raw = OnnxTensors.toRaw(t);
        TensorProto fresh = OnnxTensors.ofLongs(t.getName(), OnnxTensors.shape(raw), values);
        if (raw.getDataType() == fresh.getDataType()) {
            return fresh;
        }
        // int32 shape/split tensors keep their type
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putInt((int) v);
        }
        return raw.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(b.array())).build();
    }

    private static TensorProto zeroOthers(TensorProto t, int axis, int[] kept) {
        float[] v = OnnxTensors.toFloats(t);
        long[] dims = OnnxTensors.shape(t);
        boolean[] keepPos = new boolean[(int) dims[axis]];
        for (int k : kept) {
            keepPos[k] = true;
        }
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        for (int i = 0; i < v.length; i++) {
            if (!keepPos[(int) ((i / inner) % dims[axis])]) {
                v[i] = 0;
            }
        }
        return OnnxTensors.ofFloats(t.getName(), dims, v);
    }

    private static void setInt(NodeProto.Builder nb, String name, long value) {
        for (int i = 0; i < nb.getAttributeCount(); i++) {
            if (nb.getAttribute(i).getName().equals(name)) {
                nb.setAttribute(i, nb.getAttribute(i).toBuilder().setI(value));
                return;
            }
        }
        nb.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
    }

    private static void setInts(NodeProto.Builder nb, String name, long[] values) {
        for (int i = 0; i < nb.getAttributeCount(); i++) {
            if (nb.getAttribute(i).getName().equals(name)) {
                AttributeProto.Builder ab = nb.getAttribute(i).toBuilder().clearInts();
                for (long v : values) {
                    ab.addInts(v);
                }
                nb.setAttribute(i, ab);
                return;
            }
        }
    }
}
