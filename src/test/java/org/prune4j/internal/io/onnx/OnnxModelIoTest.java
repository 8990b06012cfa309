package org.prune4j.internal.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

class OnnxModelIoTest {
    @TempDir
    Path dir;

    /** y = x·W + b with W 3×2, b 2, batch axis dynamic. */
    static ModelProto linear() {
        return new OnnxGraphBuilder("lin")
                .input("x", OnnxDataType.FLOAT, "batch", 3L)
                .output("y", OnnxDataType.FLOAT, "batch", 2L)
                .initializer("W", new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6})
                .initializer("b", new long[] {2}, new float[] {0.5f, -0.5f})
                .node("MatMul", List.of("x", "W"), List.of("h"))
                .node("Add", List.of("h", "b"), List.of("y"))
                .build(17);
    }

    private static float[] runLinear(ModelProto m) {
        try (OnnxRunner r = OnnxRunner.open(m, "test", 1)) {
            return r.run(Map.of("x", InputTensor.ofFloats(new long[] {1, 3}, new float[] {1, 1, 1})), List.of("y"))
                    .get("y").values();
        }
    }

    @Test
    void writesReadsAndRunsAModelUnchanged() {
        Path f = dir.resolve("lin.onnx");
        OnnxModelWriter.write(linear(), f);
        ModelProto back = OnnxModelReader.read(f);
        assertEquals(linear(), back);
        assertArrayEquals(new float[] {9.5f, 11.5f}, runLinear(back), 1e-6f);
    }

    @Test
    void externalDataRoundTrip() throws Exception {
        Path f = dir.resolve("ext.onnx");
        OnnxModelWriter.writeWithExternalData(linear(), f, "ext.onnx.data", 16);
        ModelProto raw = ModelProto.parseFrom(Files.readAllBytes(f));
        TensorProto w = raw.getGraph().getInitializer(0);
        assertEquals(TensorProto.DataLocation.EXTERNAL, w.getDataLocation());
        assertFalse(w.hasRawData());
        assertTrue(Files.size(dir.resolve("ext.onnx.data")) >= 24);
        ModelProto back = OnnxModelReader.read(f);
        assertEquals(linear(), back);
        assertArrayEquals(new float[] {9.5f, 11.5f}, runLinear(back), 1e-6f);
    }

    @Test
    void unknownFieldsSurviveARoundTrip() throws Exception {
        // field 20 of ModelProto (training_info) is not in prune4j's schema: it must be written back as read
        byte[] extra = {(byte) 0xa2, 0x01, 0x02, 0x08, 0x01};
        byte[] withExtra = concat(linear().toByteArray(), extra);
        Path in = dir.resolve("extra.onnx");
        Files.write(in, withExtra);
        Path out = dir.resolve("copy.onnx");
        OnnxModelWriter.write(OnnxModelReader.read(in), out);
        assertArrayEquals(withExtra, Files.readAllBytes(out));
    }

    @Test
    void truncatedAndCorruptFilesAreOneLineErrors() throws Exception {
        byte[] all = linear().toByteArray();
        Path t = dir.resolve("trunc.onnx");
        Files.write(t, java.util.Arrays.copyOf(all, all.length - 9));
        UserError e = assertThrows(UserError.class, () -> OnnxModelReader.read(t));
        assertTrue(e.getMessage().startsWith(t + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Path g = dir.resolve("garbage.onnx");
        Files.writeString(g, "this is not a model");
        UserError e2 = assertThrows(UserError.class, () -> OnnxModelReader.read(g));
        assertTrue(e2.getMessage().contains("not a valid ONNX model"), e2.getMessage());
        Path ext = dir.resolve("ext.onnx");
        OnnxModelWriter.writeWithExternalData(linear(), ext, "ext.onnx.data", 16);
        Files.write(dir.resolve("ext.onnx.data"), new byte[10]);
        UserError e3 = assertThrows(UserError.class, () -> OnnxModelReader.read(ext));
        assertTrue(e3.getMessage().contains("truncated"), e3.getMessage());
    }

    @Test
    void selectKeepsIndicesAlongAnAxis() {
        TensorProto w = OnnxTensors.ofFloats("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        TensorProto s = OnnxTensors.select(w, 1, new int[] {0, 2});
        assertArrayEquals(new long[] {2, 2}, OnnxTensors.shape(s));
        assertArrayEquals(new float[] {1, 3, 4, 6}, OnnxTensors.toFloats(s));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
