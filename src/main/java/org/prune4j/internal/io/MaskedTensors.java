package org.prune4j.internal.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;

/**
 * Training checkpoints store each pruned parameter's mask beside it under {@code <name>_mask} (PyTorch's
 * pruning convention, as {@code prune4j train} and {@code lottery} write them). Folding applies every
 * mask to its parameter and drops the mask, giving the effective weights a model is evaluated with.
 */
public final class MaskedTensors {
    /** The suffix of a mask tensor. */
    public static final String MASK_SUFFIX = "_mask";

    private MaskedTensors() {}

    /** True when some tensor is the mask of another. */
    public static boolean hasMasks(Map<String, TensorData> tensors) {
        return tensors.keySet().stream().anyMatch(n -> isMaskOf(n, tensors));
    }

    /** The tensors with every mask multiplied into its parameter (as float32) and removed. */
    public static Map<String, TensorData> fold(Map<String, TensorData> tensors, String source) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            String name = e.getKey();
            if (isMaskOf(name, tensors)) {
                continue;
            }
            TensorData mask = tensors.get(name + MASK_SUFFIX);
            if (mask == null) {
                out.put(name, e.getValue());
                continue;
            }
            TensorData value = e.getValue();
            if (!Arrays.equals(mask.shape(), value.shape())) {
                throw new UserError(source + ": mask " + name + MASK_SUFFIX + " has shape " + Arrays.toString(mask.shape())
                        + " but " + name + " has " + Arrays.toString(value.shape()));
            }
            float[] v = value.toFloats();
            float[] m = mask.toFloats();
            for (int i = 0; i < v.length; i++) {
                v[i] *= m[i];
            }
            out.put(name, TensorData.ofFloats(value.shape(), v));
        }
        return out;
    }

    private static boolean isMaskOf(String name, Map<String, TensorData> tensors) {
        return name.endsWith(MASK_SUFFIX) && tensors.containsKey(name.substring(0, name.length() - MASK_SUFFIX.length()));
    }
}
