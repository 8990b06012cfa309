package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.proto.Onnx.AttributeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.GraphProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * An ONNX model's main graph, indexed: nodes in order, constant tensors (initializers and
 * {@code Constant} node values), the producer and the consumers of each tensor, and the concrete shape of
 * every tensor for the probe inputs ({@link ShapeProbe}).
 */
final class OnnxGraph {
    /** One use of a tensor: input {@code input} of node {@code node}. */
    record Use(int node, int input) {}

    final ModelProto model;
    final List<NodeProto> nodes;
    final Map<String, TensorProto> constants = new HashMap<>();
    /** Constant tensors that are initializers (the rest come from Constant nodes). */
    final Set<String> initializers = new HashSet<>();
    final Map<String, Integer> producer = new HashMap<>();
    final Map<String, List<Use>> consumers = new HashMap<>();
    final Set<String> graphInputs = new HashSet<>();
    final Set<String> graphOutputs = new HashSet<>();
    /** Tensors read by nested subgraphs (If/Loop/Scan bodies): their channels are never pruned. */
    final Set<String> subgraphReads = new HashSet<>();
    final Map<String, long[]> shapes;

    OnnxGraph(ModelProto model, Map<String, long[]> shapes) {
        this.model = model;
        GraphProto g = model.getGraph();
        this.nodes = g.getNodeList();
        for (TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), t);
            initializers.add(t.getName());
        }
        for (ValueInfoProto v : g.getInputList()) {
            if (!constants.containsKey(v.getName())) {
                graphInputs.add(v.getName());
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            graphOutputs.add(v.getName());
        }
        Set<String> defined = new HashSet<>(constants.keySet());
        defined.addAll(graphInputs);
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            for (int k = 0; k < n.getInputCount(); k++) {
                String in = n.getInput(k);
                if (in.isEmpty()) {
                    continue;
                }
                if (!defined.contains(in)) {
                    throw new UserError("node " + describe(n) + ": input " + in
                            + " is not produced before it (graph not topologically sorted or a missing tensor)");
                }
                consumers.computeIfAbsent(in, x -> new ArrayList<>()).add(new Use(i, k));
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producer.put(out, i);
                    defined.add(out);
                }
            }
            if (n.getOpType().equals("Constant") && isDefaultDomain(n)) {
                TensorProto value = constantValue(n);
                if (value != null) {
                    constants.put(n.getOutput(0), value.toBuilder().setName(n.getOutput(0)).build());
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectNames(a.getG(), subgraphReads);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collectNames(sub, subgraphReads);
                }
            }
        }
        this.shapes = shapes;
    }

    private static void collectNames(GraphProto g, Set<String> out) {
        for (NodeProto n : g.getNodeList()) {
            out.addAll(n.getInputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectNames(a.getG(), out);
                }
            }
        }
    }

    private static TensorProto constantValue(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value" -> {
                    return OnnxTensors.toRaw(a.getT());
                }
                case "value_float" -> {
                    return OnnxTensors.ofFloats("", new long[0], new float[] {a.getF()});
                }
                case "value_floats" -> {
                    float[] v = new float[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return OnnxTensors.ofFloats("", new long[] {v.length}, v);
                }
                case "value_int" -> {
                    return OnnxTensors.ofLongs("", new long[0], new long[] {a.getI()});
                }
                case "value_ints" -> {
                    long[] v = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                    return OnnxTensors.ofLongs("", new long[] {v.length}, v);
                }
                default -> { }
            }
        }
        return null;
    }

    static boolean isDefaultDomain(NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    static String describe(NodeProto n) {
        return n.getOpType() + " " + (n.getName().isEmpty() ? n.getOutput(0) : n.getName());
    }

    long[] shape(String tensor) {
        TensorProto c = constants.get(tensor);
        if (c != null) {
            return OnnxTensors.shape(c);
        }
        return shapes.get(tensor);
    }

    boolean isConstant(String tensor) {
        return constants.containsKey(tensor);
    }

    int uses(String tensor) {
        return consumers.getOrDefault(tensor, List.of()).size();
    }

    /** Integer attribute {@code name} of {@code n}, or {@code def}. */
    static long attrInt(NodeProto n, String name, long def) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return def;
    }

    /** Ints attribute {@code name} of {@code n}, or {@code null}. */
    static long[] attrInts(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    /** The values of a constant integer tensor, or {@code null} when the tensor is not constant. */
    long[] constantLongs(String tensor) {
        TensorProto t = constants.get(tensor);
        return t == null ? null : OnnxTensors.toLongs(t);
    }

    /**
     * Whether {@code tensor} is all zeros whatever the inputs: a constant of zeros, or a
     * {@code ConstantOfShape} whose value is zero (or absent, which means zero).
     */
    boolean isZeros(String tensor) {
        TensorProto c = constants.get(tensor);
        if (c != null) {
            return valueZero(c);
        }
        Integer p = producer.get(tensor);
        if (p == null || !nodes.get(p).getOpType().equals("ConstantOfShape") || !isDefaultDomain(nodes.get(p))) {
            return false;
        }
        for (AttributeProto a : nodes.get(p).getAttributeList()) {
            if (a.getName().equals("value")) {
                return valueZero(OnnxTensors.toRaw(a.getT()));
            }
        }
        return true;
    }

    private static boolean valueZero(TensorProto t) {
        OnnxDataType type = OnnxTensors.type(t);
        if (type.isFloating()) {
            return allZero(OnnxTensors.toFloats(t));
        }
        return type != OnnxDataType.STRING && allZero(OnnxTensors.toLongs(t));
    }

    private static boolean allZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(long[] v) {
        for (long x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The opset of the default domain. */
    long opset() {
        return model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).findFirst().orElse(1);
    }

    /** Count of floating-point parameters per constant (initializers, then Constant node outputs). */
    Map<String, Long> floatParameters() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (OnnxTensors.type(t).isFloating()) {
                out.put(t.getName(), OnnxTensors.elements(t));
            }
        }
        constants.forEach((name, t) -> {
            if (!initializers.contains(name) && OnnxTensors.type(t).isFloating()) {
                out.put(name, OnnxTensors.elements(t));
            }
        });
        return out;
    }
}
