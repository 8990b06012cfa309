package org.prune4j.internal.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/** The compressed-tensors sparse layouts: exact round trips, the stored parts, 2:4 refusal, corrupt input. */
class SparseCompressionTest {
    @TempDir
    Path tmp;

    /** {@code ckpt} with, in every block Linear weight, the entries {@code zero(row, col)} says set to 0. */
    private static LlamaCheckpoint zeroed(LlamaCheckpoint ckpt, java.util.function.BiPredicate<Integer, Integer> zero) {
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        for (Map.Entry<String, TensorData> e : t.entrySet()) {
            if (HfWriter.isBlockLinearWeight(e.getKey())) {
                long[] shape = e.getValue().shape();
                float[] v = e.getValue().toFloats();
                for (int i = 0; i < v.length; i++) {
                    if (zero.test((int) (i / shape[1]), (int) (i % shape[1]))) {
                        v[i] = 0f;
                    }
                }
                e.setValue(TensorData.ofFloats(shape, v));
            }
        }
        return new LlamaCheckpoint(ckpt.config(), t, ckpt.format(), ckpt.source(), ckpt.tokenizer());
    }

    private static LlamaCheckpoint halfZero(long seed) {
        Random rnd = new Random(seed);
        return zeroed(TinyCheckpoints.random(TinyCheckpoints.llama(), 7), (r, c) -> rnd.nextBoolean());
    }

    /** Zeros columns 1 and 2 of every group of 4 (a 2:4 pattern). */
    private static LlamaCheckpoint twoFour() {
        return zeroed(TinyCheckpoints.random(TinyCheckpoints.llama(), 8), (r, c) -> c % 4 == 1 || c % 4 == 2);
    }

    @Test
    void sparseBitmaskRoundTripIsBitExact() {
        LlamaCheckpoint ckpt = halfZero(1);
        Path dir = tmp.resolve("bm");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        LlamaCheckpoint back = HfFormat.read(dir, null);
        assertNull(TinyCheckpoints.firstDifference(ckpt.tensors(), back.tensors()));
    }

    @Test
    void sparse24RoundTripIsBitExactAlsoInBf16() {
        LlamaCheckpoint ckpt = twoFour();
        Path dir = tmp.resolve("s24");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withDtype(DType.BF16).withCompression(SparseCompression.SPARSE_24_BITMASK));
        Path dense = tmp.resolve("dense-bf16");
        HfFormat.write(ckpt, dense, HfWriteOptions.defaults().withDtype(DType.BF16));
        assertNull(TinyCheckpoints.firstDifference(HfFormat.read(dense, null).tensors(), HfFormat.read(dir, null).tensors()));
    }

    @Test
    void theStoredPartsAreCompressedTensorsLayout() throws Exception {
        LlamaCheckpoint ckpt = halfZero(2);
        Path dir = tmp.resolve("bm");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        JsonNode q = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("quantization_config");
        assertEquals("compressed-tensors", q.get("quant_method").asText());
        assertEquals("sparse-bitmask", q.get("sparsity_config").get("format").asText());
        assertEquals("unstructured", q.get("sparsity_config").get("sparsity_structure").asText());
        String w = LlamaTensorNames.linearWeight(1, "mlp.down_proj"); // 16 x 24
        float[] dense = ckpt.tensors().get(w).toFloats();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertFalse(f.contains(w));
            String p = "model.layers.1.mlp.down_proj";
            assertArrayEquals(new long[] {16, 24}, f.get(p + ".shape").toLongs());
            assertEquals(DType.I64, f.get(p + ".shape").dtype());
            assertEquals(DType.U8, f.get(p + ".bitmask").dtype());
            assertArrayEquals(new long[] {16, 3}, f.get(p + ".bitmask").shape());
            ByteBuffer mask = f.get(p + ".bitmask").bytes();
            float[] values = f.get(p + ".compressed").toFloats();
            long[] offsets = f.get(p + ".row_offsets").toLongs();
            int n = 0;
            for (int r = 0; r < 16; r++) {
                assertEquals(n, offsets[r], "row offset " + r);
                for (int c = 0; c < 24; c++) {
                    boolean bit = ((mask.get(r * 3 + c / 8) >> (c % 8)) & 1) == 1; // NumPy packbits, bitorder little
                    assertEquals(dense[r * 24 + c] != 0, bit, "bit " + r + "," + c);
                    if (bit) {
                        assertEquals(dense[r * 24 + c], values[n++]);
                    }
                }
            }
            assertEquals(values.length, n);
        }
    }

    @Test
    void twoFourPartsKeepHalfTheColumnsAndAShapeColumn() throws Exception {
        Path dir = tmp.resolve("s24");
        HfFormat.write(twoFour(), dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_24_BITMASK));
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            String p = "model.layers.0.self_attn.q_proj"; // 16 x 16
            assertArrayEquals(new long[] {2, 1}, f.get(p + ".shape").shape());
            assertArrayEquals(new long[] {16, 8}, f.get(p + ".compressed").shape());
            assertEquals((byte) 0b1001_1001, f.get(p + ".bitmask").bytes().get(0)); // columns 0, 3, 4, 7 kept
            assertFalse(f.contains(p + ".row_offsets"));
        }
        assertEquals("2:4", new ObjectMapper().readTree(dir.resolve("config.json").toFile())
                .get("quantization_config").get("sparsity_config").get("sparsity_structure").asText());
    }

    @Test
    void aModelThatIsNot24IsRefusedNamingTheFirstTensorAndNothingIsWritten() {
        Path dir = tmp.resolve("no");
        UserError e = assertThrows(UserError.class, () -> HfFormat.write(halfZero(3), dir,
                HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_24_BITMASK)));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj.weight is not 2:4 sparse"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(dir));
    }

    @Test
    void storageCountsDenseAgainstStoredBytes() {
        LlamaCheckpoint ckpt = halfZero(4);
        Path dir = tmp.resolve("bm");
        HfFormat.write(ckpt, dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        CompressedStorage s = HfFormat.compressedStorage(dir);
        assertEquals(SparseCompression.SPARSE_BITMASK, s.format());
        String w = LlamaTensorNames.linearWeight(0, "mlp.gate_proj"); // 24 x 16
        long nonzero = 0;
        for (float v : ckpt.tensors().get(w).toFloats()) {
            nonzero += v != 0 ? 1 : 0;
        }
        CompressedStorage.Tensor t = s.tensors().stream().filter(x -> x.name().equals(w)).findFirst().orElseThrow();
        assertTrue(t.compressed());
        assertEquals(24 * 16 * 4, t.denseBytes());
        assertEquals(2 * 8 + 24 * 2 + nonzero * 4 + 24 * 8, t.storedBytes()); // shape, bitmask, values, row offsets
        assertTrue(s.storedBytes() < s.denseBytes());
        assertNull(HfFormat.compressedStorage(tmp)); // not a model directory
    }

    /** Rewrites {@code model.safetensors} of {@code dir} with tensor {@code name} replaced. */
    private static void replace(Path dir, String name, TensorData t) {
        Path file = dir.resolve("model.safetensors");
        Map<String, TensorData> all = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String n : f.names()) {
                TensorData d = f.get(n);
                all.put(n, new TensorData(d.dtype(), d.shape(), ByteBuffer.allocate(d.bytes().remaining()).put(d.bytes().duplicate()).flip()));
            }
        }
        all.put(name, t);
        SafetensorsWriter.write(file, all, Map.of("format", "pt"));
    }

    @Test
    void aBitmaskShorterThanTheShapeNeedsIsAOneLineError() {
        Path dir = tmp.resolve("bm");
        HfFormat.write(halfZero(5), dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        replace(dir, "model.layers.1.self_attn.v_proj.bitmask", TensorData.ofBytes(new long[] {8, 1}, new byte[8]));
        UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("model.layers.1.self_attn.v_proj.bitmask is U8 [8, 1], but shape [8, 16] needs uint8 [8, 2]"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void rowOffsetsOutOfRangeAreAOneLineError() {
        Path dir = tmp.resolve("bm");
        HfFormat.write(halfZero(6), dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        long[] offsets = new long[16];
        offsets[3] = 1_000_000;
        ByteBuffer b = ByteBuffer.allocate(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(offsets);
        replace(dir, "model.layers.0.self_attn.o_proj.row_offsets", new TensorData(DType.I64, new long[] {16}, b));
        UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.o_proj.row_offsets[3] is 1000000, out of range"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void valuesThatDisagreeWithTheBitmaskAreAnError() {
        Path dir = tmp.resolve("bm");
        HfFormat.write(halfZero(7), dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        replace(dir, "model.layers.0.mlp.up_proj.compressed", TensorData.ofFloats(new long[] {3}, new float[3]));
        UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.up_proj: the bitmask marks"), e.getMessage());
    }

    @Test
    void quantizedOrUnknownCompressedTensorsConfigsAreRefused() throws Exception {
        Path dir = tmp.resolve("bm");
        HfFormat.write(halfZero(8), dir, HfWriteOptions.defaults().withCompression(SparseCompression.SPARSE_BITMASK));
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode cfg = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                dir.resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.get("quantization_config").get("sparsity_config"))
                .put("format", "sparse-bytemask");
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        UserError e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("not supported yet: sparsity_config format 'sparse-bytemask'"), e.getMessage());
        ((com.fasterxml.jackson.databind.node.ObjectNode) cfg.get("quantization_config")).put("quant_method", "gptq");
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        e = assertThrows(UserError.class, () -> HfFormat.read(dir, null));
        assertTrue(e.getMessage().contains("quant_method 'gptq'"), e.getMessage());
    }
}
