package org.prune4j.internal.io.onnx.export;

import java.util.List;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.OnnxGraphBuilder;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;

/**
 * The exporters' view of an {@link OnnxGraphBuilder}: nodes whose output names are made up unique
 * ({@code <scope>/<Op>_<n>}), constants, and weights stored in the export's weight type (a float16 weight
 * is followed by a {@code Cast} to float32, so the graph always computes in float32).
 */
final class GraphWriter {
    /** The ONNX opset the exports target. */
    static final int OPSET = 17;

    private final OnnxGraphBuilder builder;
    private final OnnxDataType weightType;
    private long weightBytes;
    private int counter;

    GraphWriter(String name, OnnxDataType weightType) {
        this.builder = new OnnxGraphBuilder(name);
        this.weightType = weightType;
    }

    OnnxGraphBuilder builder() {
        return builder;
    }

    /** Bytes of all initializers so far. */
    long weightBytes() {
        return weightBytes;
    }

    /** Adds {@code opType} on {@code inputs} and returns its one output, named after {@code scope}. */
    String op(String scope, String opType, List<String> inputs, Object... attributes) {
        String out = scope + "/" + opType + "_" + counter++;
        builder.node(opType, inputs, List.of(out), attributes);
        return out;
    }

    /** Adds {@code opType} on {@code inputs} writing the given output name. */
    String opNamed(String output, String opType, List<String> inputs, Object... attributes) {
        builder.node(opType, inputs, List.of(output), attributes);
        return output;
    }

    /**
     * A weight under {@code name} in the export's weight type; returns the name of its float32 value (the
     * initializer itself, or a {@code Cast} of it).
     */
    String weight(String name, long[] dims, float[] values) {
        if (weightType == OnnxDataType.FLOAT16) {
            builder.initializer(OnnxTensors.ofFloat16(name, dims, values));
            weightBytes += 2L * values.length;
            return op(name, "Cast", List.of(name), "to", (long) OnnxDataType.FLOAT.code());
        }
        return vector(name, dims, values);
    }

    /** A float32 initializer whatever the weight type (norm weights, biases, tables). */
    String vector(String name, long[] dims, float[] values) {
        builder.initializer(name, dims, values);
        weightBytes += 4L * values.length;
        return name;
    }

    /** An int64 constant of shape {@code [values.length]}. */
    String longs(String name, long... values) {
        builder.initializer(name, new long[] {values.length}, values);
        return name;
    }

    /** An int64 scalar constant. */
    String scalar(String name, long value) {
        builder.initializer(name, new long[0], new long[] {value});
        return name;
    }

    /** A float32 scalar constant. */
    String scalar(String name, float value) {
        builder.initializer(name, new long[0], new float[] {value});
        return name;
    }

    /** {@code x [..., in] · weightᵀ (+ bias)} for a {@code [out, in]} weight, as MatMul on the transposed weight. */
    String linear(String scope, String x, String weight, String biasOrNull) {
        String wt = op(scope, "Transpose", List.of(weight), "perm", new long[] {1, 0});
        String y = op(scope, "MatMul", List.of(x, wt));
        return biasOrNull == null ? y : op(scope, "Add", List.of(y, biasOrNull));
    }

    /** Unsqueezes {@code x} at {@code axes}. */
    String unsqueeze(String scope, String x, long... axes) {
        return op(scope, "Unsqueeze", List.of(x, longs(scope + "/axes_" + counter++, axes)));
    }

    /** Reshapes {@code x} to {@code dims} (0 copies the input's dim, -1 is inferred). */
    String reshape(String scope, String x, long... dims) {
        return op(scope, "Reshape", List.of(x, longs(scope + "/shape_" + counter++, dims)));
    }

    String transpose(String scope, String x, long... perm) {
        return op(scope, "Transpose", List.of(x), "perm", perm);
    }

    /** The model, targeting {@link #OPSET}. */
    ModelProto build() {
        return builder.build(OPSET);
    }
}
