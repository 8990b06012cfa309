package org.prune4j.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** Non-finite weights: a warning naming the tensor on load, an error before pruning (issue 14). */
class NonFiniteWeightsTest {
    @TempDir
    Path dir;

    private static TensorData halves(DType t, short... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) {
            b.putShort(s);
        }
        return new TensorData(t, new long[] {bits.length}, b.flip());
    }

    @Test
    void countsNanAndInfInEveryFloatingType() {
        assertEquals(3, NonFiniteWeights.count(TensorData.ofFloats(new long[] {5},
                new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE})));
        // bf16: +Inf 0x7f80, NaN 0x7fc0, max finite 0x7f7f; f16: +Inf 0x7c00, NaN 0x7e00, max finite 0x7bff
        assertEquals(2, NonFiniteWeights.count(halves(DType.BF16, (short) 0x7f80, (short) 0x7fc0, (short) 0x7f7f)));
        assertEquals(2, NonFiniteWeights.count(halves(DType.F16, (short) 0xfc00, (short) 0x7e00, (short) 0x7bff)));
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(Double.NaN).putDouble(1e308);
        assertEquals(1, NonFiniteWeights.count(new TensorData(DType.F64, new long[] {2}, d.flip())));
        assertEquals(0, NonFiniteWeights.count(TensorData.ofInts(new long[] {1}, new int[] {0x7f800000})));
    }

    @Test
    void warnsOnLoadAndRefusesToPrune() {
        Map<String, TensorData> sd = new LinkedHashMap<>();
        sd.put("a.weight", TensorData.ofFloats(new long[] {2}, new float[] {1, 2}));
        sd.put("b.weight", TensorData.ofFloats(new long[] {2}, new float[] {Float.NaN, 2}));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        NonFiniteWeights.warn(sd, "m.safetensors", new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("prune4j: warning: m.safetensors: tensor b.weight holds 1 non-finite value (NaN or Inf);"
                + " results computed from them will be NaN\n", err.toString(StandardCharsets.UTF_8));
        UserError e = assertThrows(UserError.class, () -> NonFiniteWeights.requireFinite(sd, "m.safetensors"));
        assertTrue(e.getMessage().startsWith("m.safetensors: tensor b.weight holds 1 non-finite value"), e.getMessage());
    }
}
