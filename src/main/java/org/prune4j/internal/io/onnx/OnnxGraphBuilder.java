package org.prune4j.internal.io.onnx;

import java.util.List;
import org.prune4j.internal.io.onnx.proto.Onnx.AttributeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.GraphProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorShapeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TypeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.ValueInfoProto;

/**
 * Builds an ONNX model node by node (default domain): inputs and outputs with static or named
 * dynamic axes, float initializers, nodes with int/float/ints attributes. Used by exporters and tests.
 */
public final class OnnxGraphBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int nodes;

    /** Starts a graph with the given name. */
    public OnnxGraphBuilder(String name) {
        graph.setName(name);
    }

    /**
     * Declares a graph input; each dim is a {@code Long} (fixed) or a {@code String} (a named dynamic axis).
     */
    public OnnxGraphBuilder input(String name, OnnxDataType type, Object... dims) {
        graph.addInput(valueInfoProto(name, type, dims));
        return this;
    }

    /** Declares a graph output (dims as in {@link #input}). */
    public OnnxGraphBuilder output(String name, OnnxDataType type, Object... dims) {
        graph.addOutput(valueInfoProto(name, type, dims));
        return this;
    }

    /** Declares the type and shape of an intermediate tensor (dims as in {@link #input}). */
    public OnnxGraphBuilder valueInfo(String name, OnnxDataType type, Object... dims) {
        graph.addValueInfo(valueInfoProto(name, type, dims));
        return this;
    }

    /** Adds a float32 initializer. */
    public OnnxGraphBuilder initializer(String name, long[] dims, float[] values) {
        graph.addInitializer(OnnxTensors.ofFloats(name, dims, values));
        return this;
    }

    /** Adds an initializer of any type. */
    public OnnxGraphBuilder initializer(org.prune4j.internal.io.onnx.proto.Onnx.TensorProto tensor) {
        graph.addInitializer(tensor);
        return this;
    }

    /** Adds an int64 initializer. */
    public OnnxGraphBuilder initializer(String name, long[] dims, long[] values) {
        graph.addInitializer(OnnxTensors.ofLongs(name, dims, values));
        return this;
    }

    /**
     * Adds a node; {@code attributes} alternate name and value ({@code Long}/{@code Integer} → INT,
     * {@code Float}/{@code Double} → FLOAT, {@code long[]} → INTS, {@code String} → STRING).
     */
    public OnnxGraphBuilder node(String opType, List<String> inputs, List<String> outputs, Object... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + nodes++)
                .addAllInput(inputs).addAllOutput(outputs);
        for (int i = 0; i < attributes.length; i += 2) {
            String an = (String) attributes[i];
            Object v = attributes[i + 1];
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(an);
            switch (v) {
                case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
                case Integer l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
                case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
                case Double f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f.floatValue());
                case long[] ls -> {
                    a.setType(AttributeProto.AttributeType.INTS);
                    for (long l : ls) {
                        a.addInts(l);
                    }
                }
                case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString.copyFromUtf8(s));
                default -> throw new IllegalArgumentException("attribute " + an + ": unsupported value " + v);
            }
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    /** The model: IR version 8, the default-domain opset {@code opset}. */
    public ModelProto build(int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("prune4j")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    static ValueInfoProto valueInfoProto(String name, OnnxDataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            switch (d) {
                case Long l -> db.setDimValue(l);
                case Integer l -> db.setDimValue(l);
                case String s -> db.setDimParam(s);
                default -> throw new IllegalArgumentException("dim " + d);
            }
            shape.addDim(db);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.code()).setShape(shape))).build();
    }
}
