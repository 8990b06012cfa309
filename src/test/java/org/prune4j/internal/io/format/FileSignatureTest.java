package org.prune4j.internal.io.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.pytorch.TorchFiles;
import org.prune4j.internal.model.BundledModels;

/** Formats are told apart by their first bytes, whatever the file is called. */
class FileSignatureTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(FileSignatureTest.class.getResource(name).toURI());
    }

    @Test
    void recognisesEachFormatByContentNotByName() throws Exception {
        Path st = dir.resolve("weights.bin");
        SafetensorsWriter.write(st, Map.of("w", TensorData.ofFloats(new long[] {2}, new float[] {1, 2})), Map.of());
        assertEquals(FileSignature.SAFETENSORS, FileSignature.of(st));
        assertEquals(FileSignature.PYTORCH_ZIP, FileSignature.of(file("model.safetensors", TorchFiles.sampleZip())));
        assertEquals(FileSignature.PYTORCH_PICKLE, FileSignature.of(file("a.gguf", TorchFiles.sampleLegacy())));
        assertEquals(FileSignature.PYTORCH_PICKLE, FileSignature.of(resource("/checkpoints/resnet20-12fca82f.th")));
        assertEquals(FileSignature.GGUF, FileSignature.of(file("x.pt", "GGUF\3\0\0\0".getBytes(StandardCharsets.US_ASCII))));
        // llama2.c has no magic number: it is what is left
        assertEquals(FileSignature.UNKNOWN, FileSignature.of(BundledModels.checkpoint("stories260K")));
        assertEquals(FileSignature.UNKNOWN, FileSignature.of(file("empty", new byte[0])));
        assertEquals(FileSignature.UNKNOWN, FileSignature.of(dir.resolve("missing")));
        assertEquals(FileSignature.UNKNOWN, FileSignature.of(file("config.json", "{\"dim\": 64}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aSafetensorsHeaderMustFitTheFile() throws Exception {
        byte[] b = new byte[16];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(7);
        b[8] = '{';
        assertEquals(FileSignature.SAFETENSORS, FileSignature.of(file("ok", b)));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(16);
        assertEquals(FileSignature.UNKNOWN, FileSignature.of(file("too-long", b)));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(1);
        assertEquals(FileSignature.UNKNOWN, FileSignature.of(file("too-short", b)));
    }

    @Test
    void onlyTensorFilesHoldNamedTensors() {
        assertTrue(FileSignature.SAFETENSORS.holdsNamedTensors());
        assertTrue(FileSignature.PYTORCH_ZIP.holdsNamedTensors());
        assertTrue(FileSignature.PYTORCH_PICKLE.holdsNamedTensors());
        assertFalse(FileSignature.GGUF.holdsNamedTensors());
        assertFalse(FileSignature.UNKNOWN.holdsNamedTensors());
        assertTrue(FileSignature.PYTORCH_ZIP.description().contains("--arch"));
        assertEquals("", FileSignature.UNKNOWN.description());
    }
}
