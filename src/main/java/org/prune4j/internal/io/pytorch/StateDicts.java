package org.prune4j.internal.io.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.InPlaceCopy;
import org.prune4j.internal.nn.Parameter;

/** State dicts (tensors by dotted name) to and from {@link Module} trees. */
public final class StateDicts {
    private StateDicts() {}

    /**
     * Loads {@code stateDict} into {@code model}: every parameter and buffer of the model must be present
     * with exactly its shape, and every tensor of the state dict must belong to the model; otherwise a
     * {@link UserError} names {@code source} and the first mismatch. The one exception: {@code
     * *.num_batches_tracked} counters (newer PyTorch batch norms) are ignored, as prune4j's batch norm uses a
     * fixed momentum. Parameters get new arrays (in the model's manager; masks are re-applied, gradient
     * flags must be set again); buffers are overwritten in place. Nothing is changed when a check fails.
     */
    public static void load(Module model, Map<String, TensorData> stateDict, String source) {
        Map<String, Parameter> params = model.namedParameters();
        Map<String, NDArray> buffers = model.namedBuffers();
        for (Map.Entry<String, TensorData> e : stateDict.entrySet()) {
            String name = e.getKey();
            if (name.endsWith("num_batches_tracked")) {
                continue;
            }
            NDArray target = params.containsKey(name) ? params.get(name).value() : buffers.get(name);
            if (target == null) {
                throw new UserError(source + ": checkpoint tensor " + name + " " + shape(e.getValue().shape())
                        + " has no counterpart in the model" + nearest(name, params, buffers));
            }
            long[] want = target.getShape().getShape();
            if (!Arrays.equals(want, e.getValue().shape())) {
                throw new UserError(source + ": checkpoint tensor " + name + " has shape " + shape(e.getValue().shape())
                        + ", model expects " + shape(want));
            }
            if (!e.getValue().dtype().isFloating()) {
                throw new UserError(source + ": checkpoint tensor " + name + " is " + e.getValue().dtype()
                        + ", expected a floating-point tensor");
            }
        }
        for (String name : params.keySet()) {
            if (!stateDict.containsKey(name)) {
                throw new UserError(source + ": the checkpoint lacks tensor " + name + " that the model expects");
            }
        }
        for (String name : buffers.keySet()) {
            if (!stateDict.containsKey(name)) {
                throw new UserError(source + ": the checkpoint lacks tensor " + name + " that the model expects");
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            NDArray v = stateDict.get(e.getKey()).toNDArray(p.value().getManager());
            p.setValue(v.getDataType() == DataType.FLOAT32 ? v : v.toType(DataType.FLOAT32, false));
        }
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            InPlaceCopy.copy(e.getValue(), stateDict.get(e.getKey()).toFloats(), e.getKey());
        }
    }

    /**
     * The model's parameters and buffers as a state dict (float32 copies, parameter order first, then
     * buffers), e.g. to save with {@code SafetensorsWriter}.
     */
    public static Map<String, TensorData> of(Module model) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> out.put(k, TensorData.of(p.value())));
        model.namedBuffers().forEach((k, b) -> out.put(k, TensorData.of(b)));
        return out;
    }

    /** Removes {@code prefix} from every name when every name has it; otherwise returns the map unchanged. */
    public static Map<String, TensorData> stripPrefix(Map<String, TensorData> stateDict, String prefix) {
        if (stateDict.isEmpty() || !stateDict.keySet().stream().allMatch(k -> k.startsWith(prefix))) {
            return stateDict;
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        stateDict.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return out;
    }

    private static String shape(long[] s) {
        return Arrays.stream(s).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String nearest(String name, Map<String, Parameter> params, Map<String, NDArray> buffers) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        return params.keySet().stream().filter(k -> k.endsWith("." + leaf) || k.equals(leaf)).findFirst()
                .or(() -> buffers.keySet().stream().filter(k -> k.endsWith("." + leaf)).findFirst())
                .map(k -> " (the model has e.g. " + k + ")").orElse("");
    }
}
