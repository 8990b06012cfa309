package org.prune4j.internal.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class InPlaceCopyTest {
    @Test
    void writesIntoTheSameArrayKeepingShapeAndGradientFlag() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray buffer = m.zeros(new Shape(2, 3));
            NDArray before = buffer;
            InPlaceCopy.copy(buffer, new float[] {1, 2, 3, 4, 5, 6}, "buffer");
            assertSame(before, buffer);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, buffer.toFloatArray(), 0f);
            assertTrue(buffer.getShape().equals(new Shape(2, 3)));

            NDArray leaf = m.ones(new Shape(3));
            leaf.setRequiresGradient(true);
            InPlaceCopy.copy(leaf, new float[] {-1, 0, 7}, "leaf");
            assertArrayEquals(new float[] {-1, 0, 7}, leaf.toFloatArray(), 0f);
            assertTrue(leaf.hasGradient(), "still requires a gradient");

            NDArray scalar = m.create(3f);
            InPlaceCopy.copy(scalar, new float[] {9}, "scalar");
            assertArrayEquals(new float[] {9}, scalar.toFloatArray(), 0f);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> InPlaceCopy.copy(buffer, new float[5], "bn.running_mean"));
            assertTrue(e.getMessage().startsWith("bn.running_mean: 5 values"), e.getMessage());
        }
    }
}
