package org.prune4j.internal.prune.onnx;

import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;

/**
 * Where element {@code axis} of a Reshape's target shape comes from: a constant tensor (directly, or a
 * constant piece of a Concat that builds the shape, as exporters write {@code [B, S, heads, size]}), a
 * {@code -1} (inferred), a {@code 0} (copied from the input), or something computed.
 */
record ShapeEntry(Kind kind, int node, int input, int element, long value) {
    enum Kind { CONSTANT, INFER, COPY, DYNAMIC }

    /** Finds the source of element {@code axis} of the shape input of Reshape {@code reshape}. */
    static ShapeEntry find(OnnxGraph g, NodeProto reshape, int axis) {
        int node = g.nodes.indexOf(reshape);
        return find(g, node, 1, axis, 0);
    }

    private static ShapeEntry find(OnnxGraph g, int node, int input, int element, int depth) {
        String t = g.nodes.get(node).getInput(input);
        long[] values = g.constantLongs(t);
        if (values != null) {
            long v = values[element];
            Kind k = v == -1 ? Kind.INFER : v == 0 ? Kind.COPY : Kind.CONSTANT;
            return new ShapeEntry(k, node, input, element, v);
        }
        Integer p = g.producer.get(t);
        if (p == null || depth > 4) {
            return new ShapeEntry(Kind.DYNAMIC, node, input, element, 0);
        }
        NodeProto pn = g.nodes.get(p);
        if (pn.getOpType().equals("Concat")) {
            int off = 0;
            for (int k = 0; k < pn.getInputCount(); k++) {
                long[] s = g.shape(pn.getInput(k));
                int len = s == null || s.length == 0 ? 1 : (int) s[0];
                if (element < off + len) {
                    return find(g, p, k, element - off, depth + 1);
                }
                off += len;
            }
        }
        return new ShapeEntry(Kind.DYNAMIC, node, input, element, 0);
    }
}
