package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an existing array without replacing it, for arrays that others hold on to (module
 * buffers such as batch-norm statistics, parameters an optimizer tracks).
 *
 * <p>It assigns through an index ({@code target[...] = values}) rather than DJL's
 * {@code NDArray.set(Buffer)}: the latter enters libtorch through the deprecated
 * {@code AutoNonVariableTypeMode} guard, whose warning the native library prints on the user's terminal.
 */
public final class InPlaceCopy {
    private InPlaceCopy() {}

    /**
     * Copies {@code values} (row-major, as many as {@code target} has elements) into the float32 array
     * {@code target}; {@code what} names it in errors.
     */
    public static void copy(NDArray target, float[] values, String what) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(what + ": " + values.length + " values for an array of shape "
                    + target.getShape() + " (" + target.size() + " elements)");
        }
        boolean grad = target.hasGradient();
        if (grad) {
            target.setRequiresGradient(false); // an in-place write to a leaf that requires grad is refused
        }
        try (NDManager scope = target.getManager().newSubManager()) {
            NDArray source = scope.create(values, target.getShape());
            target.set(new NDIndex("..."), source);
        } finally {
            if (grad) {
                target.setRequiresGradient(true);
            }
        }
    }
}
