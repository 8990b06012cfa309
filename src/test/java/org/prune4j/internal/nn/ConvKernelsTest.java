package org.prune4j.internal.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The kernel self-check is repeatable and does not disturb seeded engine randomness. */
class ConvKernelsTest {
    @Test
    void selfCheckDoesNotMoveTheEngineRandomStream() {
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(42);
            float[] plain = nd.randomNormal(new Shape(64)).toFloatArray();
            nd.getEngine().setRandomSeed(42);
            boolean verdict = ConvKernels.selfCheck();
            float[] afterCheck = nd.randomNormal(new Shape(64)).toFloatArray();
            assertArrayEquals(plain, afterCheck, "a seeded model built after the check must be the one built without it");
            assertEquals(verdict, ConvKernels.selfCheck(), "the verdict is repeatable");
            assertEquals(verdict ? ConvKernels.Mode.ENGINE : ConvKernels.Mode.EXACT_FALLBACK, ConvKernels.mode());
        }
    }
}
