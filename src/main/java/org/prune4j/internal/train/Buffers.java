package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.InPlaceCopy;

/** Restores module buffers (batch-norm statistics), which modules update in place and never replace. */
public final class Buffers {
    private Buffers() {}

    /** Copies {@code saved} into {@code buffer} in place; {@code what} names it in errors. */
    public static void copyInto(NDArray buffer, TensorData saved, String what) {
        if (!Arrays.equals(saved.shape(), buffer.getShape().getShape())) {
            throw new IllegalArgumentException(what + ": saved shape " + Arrays.toString(saved.shape())
                    + " != buffer shape " + buffer.getShape());
        }
        InPlaceCopy.copy(buffer, saved.toFloats(), what);
    }
}
