package org.prune4j.internal.prune.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OutputTensor;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;

/**
 * Resolves the concrete shape of every tensor by running the model once in ONNX Runtime with every node
 * output exposed, on probe inputs: zeros (ones for integer inputs), dynamic axes set to 1 for the first
 * axis and {@link #DYNAMIC_DIM} for the others unless given.
 */
final class ShapeProbe {
    /** Size used for a dynamic axis other than the first. */
    static final long DYNAMIC_DIM = 23;

    private ShapeProbe() {}

    /** Probe inputs for the model's inputs; {@code dims} overrides dynamic axes by name ({@code dim_param}). */
    static Map<String, InputTensor> probeInputs(OnnxRunner runner, Map<String, Long> dims, ModelProto model) {
        Map<String, InputTensor> out = new LinkedHashMap<>();
        Map<String, List<String>> params = new HashMap<>();
        for (var v : model.getGraph().getInputList()) {
            List<String> names = new ArrayList<>();
            for (var d : v.getType().getTensorType().getShape().getDimList()) {
                names.add(d.hasDimParam() ? d.getDimParam() : null);
            }
            params.put(v.getName(), names);
        }
        for (OnnxRunner.InputSpec in : runner.inputs().values()) {
            long[] shape = in.shape().clone();
            List<String> names = params.getOrDefault(in.name(), List.of());
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    String p = i < names.size() ? names.get(i) : null;
                    shape[i] = p != null && dims.containsKey(p) ? dims.get(p) : i == 0 ? 1 : DYNAMIC_DIM;
                }
            }
            InputTensor t = new InputTensor(in.type(), shape, null, null);
            int n = Math.toIntExact(t.elements());
            out.put(in.name(), in.type().isFloating() ? InputTensor.ofFloats(shape, new float[n])
                    : InputTensor.ofLongs(in.type(), shape, filled(n)));
        }
        return out;
    }

    private static long[] filled(int n) {
        long[] v = new long[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    /** The shapes of every node output (tensor name → shape) for {@code inputs}. */
    static Map<String, long[]> shapes(ModelProto model, Map<String, InputTensor> inputs, String what) {
        List<String> names = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            for (String o : n.getOutputList()) {
                if (!o.isEmpty()) {
                    names.add(o);
                }
            }
        }
        ModelProto exposed = OnnxRunner.exposeOutputs(model, names);
        Map<String, long[]> shapes = new HashMap<>();
        try (OnnxRunner r = OnnxRunner.open(exposed.toByteArray(), what, 0, false)) {
            Map<String, OutputTensor> out = r.run(inputs, names);
            out.forEach((k, v) -> shapes.put(k, v.shape()));
        } catch (UserError e) {
            StringBuilder probe = new StringBuilder();
            inputs.forEach((k, v) -> probe.append(probe.isEmpty() ? "" : ", ").append(k).append(java.util.Arrays.toString(v.shape())));
            throw new UserError(what + ": cannot resolve the tensor shapes with probe inputs " + probe + " (dynamic axes set to 1 "
                    + "for the first axis and " + DYNAMIC_DIM + " for the others unless given with --dim): " + e.getMessage());
        }
        for (Map.Entry<String, InputTensor> e : inputs.entrySet()) {
            shapes.put(e.getKey(), e.getValue().shape());
        }
        for (String n : names) {
            if (!shapes.containsKey(n)) {
                throw new UserError(what + ": cannot resolve the shape of tensor " + n + " (not a tensor?)");
            }
        }
        return shapes;
    }
}
