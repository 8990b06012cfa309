package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Saves and restores a module's parameters, buffers and masks as safetensors: each parameter and buffer
 * under its dotted path, each mask under {@code <path>_mask} (PyTorch's pruning convention). Written
 * atomically.
 */
public final class Checkpoints {
    /** Suffix of mask tensors. */
    public static final String MASK_SUFFIX = "_mask";

    private Checkpoints() {}

    /**
     * A writable copy: {@link TensorData#toNDArray} may wrap a read-only memory map without copying, and
     * parameters are updated in place.
     */
    static NDArray copyOf(TensorData t, NDManager m) {
        return m.create(t.toFloats(), new Shape(t.shape()));
    }

    /** Writes every parameter, buffer and mask of {@code module} with string {@code metadata}. */
    public static void save(Path path, Module module, Map<String, String> metadata) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> {
            tensors.put(name, TensorData.of(p.value()));
            if (p.mask() != null) {
                tensors.put(name + MASK_SUFFIX, TensorData.of(p.mask()));
            }
        });
        module.namedBuffers().forEach((name, b) -> tensors.put(name, TensorData.of(b)));
        SafetensorsWriter.write(path, tensors, metadata);
    }

    /**
     * Loads values (and masks, where present) into {@code module}'s parameters and buffers of the same
     * names and shapes; parameters without a mask in the file become dense.
     */
    public static void load(Path path, Module module) {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
                String name = e.getKey();
                Parameter p = e.getValue();
                if (!f.names().contains(name)) {
                    throw new UserError(path + ": no tensor " + name);
                }
                NDManager m = p.value().getManager();
                NDArray v = copyOf(f.get(name), m);
                if (!v.getShape().equals(p.value().getShape())) {
                    throw new UserError(path + ": " + name + " has shape " + v.getShape() + ", the model has "
                            + p.value().getShape());
                }
                p.setValue(v);
                if (f.names().contains(name + MASK_SUFFIX)) {
                    try (NDArray mask = copyOf(f.get(name + MASK_SUFFIX), m)) {
                        p.setMask(mask);
                    }
                } else if (p.mask() != null) {
                    try (NDArray ones = p.value().onesLike()) {
                        p.setMask(ones);
                    }
                }
            }
            for (Map.Entry<String, NDArray> e : module.namedBuffers().entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new UserError(path + ": no tensor " + e.getKey());
                }
                try {
                    Buffers.copyInto(e.getValue(), f.get(e.getKey()), path + ": " + e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new UserError(ex.getMessage());
                }
            }
        }
    }
}
