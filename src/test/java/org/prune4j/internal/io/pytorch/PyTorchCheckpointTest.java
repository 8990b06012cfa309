package org.prune4j.internal.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;

class PyTorchCheckpointTest {
    @TempDir
    Path dir;

    static Path resnet20() {
        try {
            return Path.of(PyTorchCheckpointTest.class.getResource("/checkpoints/resnet20-12fca82f.th").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsTheLegacyAkamasterCheckpoint() {
        Map<String, TensorData> sd = PyTorchCheckpoint.readStateDict(resnet20());
        assertEquals(97, sd.size());
        assertEquals("conv1.weight", sd.keySet().iterator().next(), "module. prefix removed, file order kept");
        TensorData conv1 = sd.get("conv1.weight");
        assertEquals(DType.F32, conv1.dtype());
        assertArrayEquals(new long[] {16, 3, 3, 3}, conv1.shape());
        float[] w = conv1.toFloats();
        assertEquals(-0.13818146f, w[0], 1e-7);
        assertEquals(-0.16241768f, w[1], 1e-7);
        assertEquals(0.8207383f, w[2], 1e-7);
        // reading is exact: the sums differ from the reference only by summation order (3e-12 and 0 reached)
        assertEquals(1.3100982, sum(w), 1e-9);
        assertEquals(10.665690739639103, sum(sd.get("layer3.2.bn2.running_var").toFloats()), 1e-9);
        assertArrayEquals(new long[] {10, 64}, sd.get("linear.weight").shape());
        assertEquals(0.19355907f, sd.get("linear.bias").toFloats()[0], 1e-7);

        Object root = PyTorchCheckpoint.read(resnet20());
        Map<?, ?> top = (Map<?, ?>) root;
        assertEquals(List.of("best_prec1", "state_dict"), List.copyOf(top.keySet()));
        assertEquals(91.78000183105469, (Double) top.get("best_prec1"), 1e-12);
    }

    @Test
    void readsAZipCheckpointWithViewsAndNonContiguousTensors() throws IOException {
        // storage "0": 12 floats 0..11; storage "1": 3 int64
        float[] s0 = new float[12];
        for (int i = 0; i < 12; i++) {
            s0[i] = i;
        }
        PickleWriter p = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
        p.str("module.a.weight").tensorV2("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1});
        p.str("module.a.t").tensorV2("FloatStorage", "0", 12, 0, new long[] {4, 3}, new long[] {1, 4}); // a.weight.T
        p.str("module.a.bias").tensorV2("FloatStorage", "0", 12, 8, new long[] {4}, new long[] {1}); // view, offset 8
        p.str("module.b.idx").tensorV2("LongStorage", "1", 3, 0, new long[] {3}, new long[] {1});
        p.str("module.scalar").tensorV2("FloatStorage", "0", 12, 5, new long[] {}, new long[] {});
        p.setitems();
        // state_dict._metadata, as torch pickles it
        p.emptyDict().str("_metadata").global("collections", "OrderedDict").emptyTuple().reduce().op('s').build();
        p.stop();
        ByteBuffer longs = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1).putLong(1L << 40);
        Path f = writeZip("model", p.bytes(), Map.of("0", floats(s0), "1", longs.array()));

        Map<String, TensorData> sd = PyTorchCheckpoint.readStateDict(f);
        assertEquals(List.of("a.weight", "a.t", "a.bias", "b.idx", "scalar"), List.copyOf(sd.keySet()));
        assertArrayEquals(s0, sd.get("a.weight").toFloats());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, sd.get("a.t").toFloats());
        assertArrayEquals(new float[] {8, 9, 10, 11}, sd.get("a.bias").toFloats());
        assertEquals(DType.I64, sd.get("b.idx").dtype());
        assertArrayEquals(new long[] {7, -1, 1L << 40}, sd.get("b.idx").toLongs());
        assertEquals(0, sd.get("scalar").shape().length);
        assertArrayEquals(new float[] {5}, sd.get("scalar").toFloats());
    }

    @Test
    void aMaliciousPickleCannotRunCode() throws IOException {
        Path marker = dir.resolve("pwned");
        String cmd = "touch " + marker;
        // GLOBAL os.system; ('touch ...',); REDUCE
        byte[] global = new PickleWriter().proto(2).global("os", "system").str(cmd).tuple1().reduce().stop().bytes();
        // protocol 4 STACK_GLOBAL, hidden inside an otherwise valid state dict
        PickleWriter hidden = new PickleWriter().proto(4).global("collections", "OrderedDict").emptyTuple().reduce()
                .mark().str("w").stackGlobal("builtins", "eval").str("__import__('os').system('" + cmd + "')")
                .tuple1().reduce().setitems().stop();
        // INST opcode
        byte[] inst = new PickleWriter().proto(0).mark().str(cmd).inst("subprocess", "call").stop().bytes();
        // one of Pyrolite's built-in constructors must not be reachable either
        byte[] builtin = new PickleWriter().proto(2).global("copy_reg", "_reconstructor").emptyTuple().reduce().stop()
                .bytes();
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("os.system", global);
        cases.put("builtins.eval", hidden.bytes());
        cases.put("subprocess.call", inst);
        cases.put("copy_reg._reconstructor", builtin);
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path zip = writeZip("evil", c.getValue(), Map.of());
            UserError e = assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(zip));
            assertTrue(e.getMessage().startsWith("checkpoint " + zip + " refers to Python global " + c.getKey()
                    + ", which is not allow-listed"), e.getMessage());
            Path legacy = writeLegacy(c.getValue());
            UserError e2 = assertThrows(UserError.class, () -> PyTorchCheckpoint.read(legacy));
            assertTrue(e2.getMessage().contains("refers to Python global " + c.getKey() + ", which is not allow-listed"),
                    e2.getMessage());
        }
        assertFalse(Files.exists(marker), "no code ran");
    }

    @Test
    void brokenFilesAreUserErrors() throws IOException {
        byte[] legacy = Files.readAllBytes(resnet20());
        Path cut = dir.resolve("cut.th");
        Files.write(cut, Arrays.copyOf(legacy, legacy.length - 1000));
        UserError e = assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path cutPickle = dir.resolve("cut2.th");
        Files.write(cutPickle, Arrays.copyOf(legacy, 3000));
        UserError e2 = assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(cutPickle));
        assertTrue(e2.getMessage().contains("truncated"), e2.getMessage());
        Path text = dir.resolve("notes.pt");
        Files.writeString(text, "hello, not a checkpoint");
        UserError e3 = assertThrows(UserError.class, () -> PyTorchCheckpoint.read(text));
        assertTrue(e3.getMessage().contains("is not a PyTorch checkpoint"), e3.getMessage());
        UserError e4 = assertThrows(UserError.class, () -> PyTorchCheckpoint.read(dir.resolve("missing.pt")));
        assertTrue(e4.getMessage().contains("no such file"), e4.getMessage());
        // a storage the tensor overruns
        PickleWriter p = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark()
                .str("w").tensorV2("FloatStorage", "0", 4, 2, new long[] {4}, new long[] {1}).setitems().stop();
        Path over = writeZip("m", p.bytes(), Map.of("0", floats(new float[] {1, 2, 3, 4})));
        UserError e5 = assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(over));
        assertTrue(e5.getMessage().contains("reaches element 5 of storage 0, which has 4"), e5.getMessage());
        // missing storage entry
        Path missing = writeZip("m", p.bytes(), Map.of());
        UserError e6 = assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(missing));
        assertTrue(e6.getMessage().contains("lacks storage m/data/0"), e6.getMessage());
        // no tensors at all
        byte[] plain = new PickleWriter().proto(2).emptyDict().str("epoch").integer(3).op('s').stop().bytes();
        Path noTensors = writeZip("m", plain, Map.of());
        UserError e7 = assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(noTensors));
        assertTrue(e7.getMessage().contains("holds no state dict"), e7.getMessage());
    }

    private Path writeZip(String prefix, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path f = Files.createTempFile(dir, prefix, ".pth");
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(os)) {
            put(zip, prefix + "/data.pkl", pickle);
            put(zip, prefix + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> s : storages.entrySet()) {
                put(zip, prefix + "/data/" + s.getKey(), s.getValue());
            }
            put(zip, prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return f;
    }

    /** The legacy layout's three header pickles followed by {@code pickle} and an empty key list. */
    private Path writeLegacy(byte[] pickle) throws IOException {
        byte[] magic = {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
        Path f = Files.createTempFile(dir, "legacy", ".th");
        try (OutputStream os = Files.newOutputStream(f)) {
            os.write(new PickleWriter().proto(2).longValue(magic).stop().bytes());
            os.write(new PickleWriter().proto(2).integer(1001).stop().bytes());
            os.write(new PickleWriter().proto(2).emptyDict().str("little_endian").op((char) 0x88).op('s').stop().bytes());
            os.write(pickle);
            os.write(new PickleWriter().proto(2).emptyList().stop().bytes());
        }
        return f;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
