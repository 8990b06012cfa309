package org.prune4j.internal.prune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Buffers;

/**
 * A copy of every parameter value and buffer (batch-norm statistics) of a module at one moment (the
 * initialisation, or iteration {@code k} of training), held on the Java heap, for rewinding:
 * {@link #rewind} puts the saved values back into the surviving (unmasked) entries, leaves pruned
 * entries at zero and restores the buffers.
 */
public final class WeightSnapshot {
    private final Map<String, TensorData> values;

    private WeightSnapshot(Map<String, TensorData> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Copies the current values of every parameter of {@code module}. */
    public static WeightSnapshot capture(Module module) {
        Map<String, TensorData> v = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> v.put(name, TensorData.of(p.value())));
        module.namedBuffers().forEach((name, b) -> v.put(name, TensorData.of(b)));
        return new WeightSnapshot(v);
    }

    /** The saved values by parameter name. */
    public Map<String, TensorData> values() {
        return values;
    }

    /**
     * Restores the saved values into {@code module}: survivors of each mask get exactly their saved
     * value, masked entries stay zero. Masks are unchanged.
     */
    public void rewind(Module module) {
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            TensorData saved = values.get(e.getKey());
            Parameter p = e.getValue();
            if (saved == null || !Arrays.equals(saved.shape(), p.value().getShape().getShape())) {
                throw new IllegalArgumentException("snapshot has no value of shape " + p.value().getShape() + " for "
                        + e.getKey());
            }
            NDManager m = p.value().getManager();
            NDArray v = m.create(saved.toFloats(), new Shape(saved.shape()));
            p.setValue(v); // re-applies the mask
        }
        for (Map.Entry<String, NDArray> e : module.namedBuffers().entrySet()) {
            TensorData saved = values.get(e.getKey());
            if (saved == null) {
                throw new IllegalArgumentException("snapshot has no buffer " + e.getKey());
            }
            Buffers.copyInto(e.getValue(), saved, e.getKey());
        }
    }

    /** Writes the snapshot as safetensors (atomically). */
    public void save(Path path) {
        SafetensorsWriter.write(path, values, Map.of("content", "weight snapshot"));
    }

    /** Reads a snapshot written by {@link #save}, copying the values to the heap. */
    public static WeightSnapshot load(Path path) {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            Map<String, TensorData> v = new LinkedHashMap<>();
            for (String name : f.names()) {
                TensorData t = f.get(name);
                v.put(name, TensorData.ofFloats(t.shape(), t.toFloats()));
            }
            if (v.isEmpty()) {
                throw new UserError(path + ": empty weight snapshot");
            }
            return new WeightSnapshot(v);
        }
    }
}
