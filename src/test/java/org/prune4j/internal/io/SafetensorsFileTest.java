package org.prune4j.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeWithMetadata() {
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("f32", TensorData.ofFloats(new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, 5, 6}));
        t.put("bf16", TensorData.ofFloats(new long[] {3}, new float[] {1, -2, 0.5f}).convertTo(DType.BF16));
        t.put("f16", TensorData.ofFloats(new long[] {3}, new float[] {1, -2, 0.25f}).convertTo(DType.F16));
        t.put("i32", TensorData.ofInts(new long[] {2}, new int[] {7, -9}));
        t.put("u8", TensorData.ofBytes(new long[] {2, 2}, new byte[] {0, 1, 1, 0}));
        Path p = dir.resolve("a.safetensors");
        SafetensorsWriter.write(p, t, Map.of("format", "pt"));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(t.keySet(), f.names());
            assertEquals("pt", f.metadata().get("format"));
            assertArrayEquals(new float[] {1, -2, 3.5f, 0, 5, 6}, f.get("f32").toFloats());
            assertArrayEquals(new float[] {1, -2, 0.5f}, f.get("bf16").toFloats());
            assertArrayEquals(new float[] {1, -2, 0.25f}, f.get("f16").toFloats());
            assertArrayEquals(new int[] {7, -9}, f.get("i32").toInts());
            assertEquals(DType.U8, f.entry("u8").dtype());
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray a = f.get("f32").toNDArray(m);
                assertEquals(13.5f, a.sum().getFloat(), 1e-6);
            }
        }
    }

    @Test
    void readsTheReferenceLayerFile() throws Exception {
        Path p = Path.of(getClass().getResource("/reference/layer/case1_64x128.safetensors").toURI());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new long[] {64, 128}, f.entry("W").shape());
            assertEquals(DType.U8, f.entry("wanda_unstructured50_mask").dtype());
            assertEquals(64 * 128, f.get("W").toFloats().length);
        }
    }

    @Test
    void rejectsMalformedFilesWithOneLineErrors() throws Exception {
        assertBad(bytes(8, 1L << 40), "header length");
        assertBad(withHeader("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype");
        assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes");
        assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,40]}}", 4), "outside the data section");
        assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlap");
        assertBad(new byte[3], "too short");
        assertBad(withHeader("not json", 0), "not valid JSON");
    }

    private void assertBad(byte[] content, String expected) throws Exception {
        Path p = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(p, content);
        UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private static byte[] bytes(int n, long headerLen) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, headerLen);
        return b.array();
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }
}
