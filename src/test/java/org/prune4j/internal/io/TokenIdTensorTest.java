package org.prune4j.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/** Regression tests for hostile id tensors (issue 14). */
class TokenIdTensorTest {
    @TempDir
    Path dir;

    private static TensorData longs(long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new TensorData(DType.I64, shape, b.flip());
    }

    @Test
    void int64IdsOutsideTheIntRangeAreOutsideTheVocabulary() {
        UserError e = assertThrows(UserError.class,
                () -> TokenIdTensor.of(longs(new long[] {1, 3}, 1, 1L << 40, 2), "ids.safetensors", 32000));
        assertEquals("ids.safetensors: id 1099511627776 at row 0 is outside the vocabulary [0, 32000)", e.getMessage());
        UserError neg = assertThrows(UserError.class,
                () -> TokenIdTensor.of(longs(new long[] {2, 1}, 5, Long.MIN_VALUE), "x", 10));
        assertEquals("x: id -9223372036854775808 at row 1 is outside the vocabulary [0, 10)", neg.getMessage());
        assertArrayEquals(new int[] {1, 9, 2}, TokenIdTensor.of(longs(new long[] {3}, 1, 9, 2), "x", 10).ids());
    }

    @Test
    void anEmptyShapeIsRefusedBeforeAnythingIsSizedByIt() throws Exception {
        Path f = dir.resolve("ids.safetensors");
        SafetensorsWriter.write(f, Map.of("ids", longs(new long[] {Integer.MAX_VALUE, 0})), Map.of());
        assertEquals(true, Files.size(f) < 100);
        IdsFileSpec spec = IdsFileSpec.parse(f.toString());
        UserError e = assertThrows(UserError.class,
                () -> CalibrationSet.fromIds(spec.read(), spec.toString(), 32000, 2048));
        assertEquals(f + ": a tensor of shape [2147483647, 0] holds no token ids", e.getMessage());
    }
}
