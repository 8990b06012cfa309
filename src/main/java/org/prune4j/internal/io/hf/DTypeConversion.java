package org.prune4j.internal.io.hf;

import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;

/**
 * Converts floating tensors to the storage dtype asked for ({@code --dtype}), refusing a float16
 * conversion that would turn finite weights into infinities. Integer tensors (the shapes, bitmasks and
 * row offsets of a {@link SparseCompression} layout) are stored as they are.
 *
 * @param target the dtype to store, or {@code null} to keep each tensor's own dtype
 */
record DTypeConversion(DType target) {

    DTypeConversion {
        if (target != null && target != DType.F32 && target != DType.F16 && target != DType.BF16) {
            throw new IllegalArgumentException("storage dtype must be F32, F16 or BF16, not " + target);
        }
    }

    /** The dtype {@code t} is stored in. */
    DType storedType(TensorData t) {
        return target == null || isIndex(t) ? t.dtype() : target;
    }

    /** {@code t} in its storage dtype; {@code name} is for error messages. */
    TensorData apply(String name, TensorData t) {
        if (isIndex(t)) {
            return t;
        }
        if (!t.dtype().isFloating()) {
            throw new UserError(name + " has dtype " + t.dtype() + "; model weights must be floating point");
        }
        if (target == null || target == t.dtype()) {
            return t;
        }
        TensorData out = t.convertTo(target);
        if (target == DType.F16) {
            float[] before = t.toFloats();
            float[] after = out.toFloats();
            for (int i = 0; i < before.length; i++) {
                if (Float.isInfinite(after[i]) && !Float.isInfinite(before[i])) {
                    throw new UserError(name + " holds " + before[i] + ", beyond the float16 range (±65504); "
                            + "store it as bf16 or f32");
                }
            }
        }
        return out;
    }

    /** The integer dtypes of compressed-weight parts (int64 shapes and offsets, uint8 bitmasks). */
    private static boolean isIndex(TensorData t) {
        return t.dtype() == DType.I64 || t.dtype() == DType.U8;
    }
}
