package org.prune4j.internal.io.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;

/** Readers recognise a file by its content; writers are chosen by name, by output path, else by the input's format. */
class ModelFormatsTest {
    @TempDir
    Path dir;

    private String failure(Path p) {
        return assertThrows(UserError.class, () -> ModelReaders.read(p, null)).getMessage();
    }

    @Test
    void readersRecogniseFormatsByContent() throws Exception {
        LlamaCheckpoint bundled = ModelReaders.read(BundledModels.checkpoint("stories260K"), null);
        assertEquals(CheckpointFormat.LLAMA2C, bundled.format());

        Path zip = Files.write(dir.resolve("model.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
        assertTrue(failure(zip).contains("a PyTorch checkpoint (zip); pass --arch"), failure(zip));
        Path pickle = Files.write(dir.resolve("legacy.th"), new byte[] {(byte) 0x80, 2, 'c', 0, 0, 0, 0, 0, 0, 0});
        assertTrue(failure(pickle).contains("PyTorch checkpoint (legacy pickle)"), failure(pickle));
        Path gguf = Files.write(dir.resolve("m.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 0, 0});
        assertTrue(failure(gguf).contains("corrupt GGUF"), failure(gguf));
        Path st = dir.resolve("w.safetensors");
        SafetensorsWriter.write(st, Map.of("w", TensorData.ofFloats(new long[] {2}, new float[] {1, 2})), Map.of());
        assertTrue(failure(st).contains("single safetensors file"), failure(st));
        assertTrue(failure(dir.resolve("missing")).contains("no such file"));
    }

    @Test
    void writersAreChosenByNameThenPathThenInput() throws Exception {
        assertEquals("hf", ModelWriters.forOutput(dir.resolve("x.bin"), "hf", CheckpointFormat.LLAMA2C).name());
        assertEquals("llama2c", ModelWriters.forOutput(dir.resolve("x.bin"), null, CheckpointFormat.HF).name());
        assertEquals("hf", ModelWriters.forOutput(dir.resolve("out"), null, CheckpointFormat.HF).name());
        assertEquals("llama2c", ModelWriters.forOutput(dir.resolve("out"), null, CheckpointFormat.LLAMA2C).name());
        Path hfDir = Files.createDirectories(dir.resolve("hfdir"));
        Files.writeString(hfDir.resolve("config.json"), "{}");
        assertEquals("hf", ModelWriters.forOutput(hfDir, null, CheckpointFormat.LLAMA2C).name());
        assertEquals("gguf", ModelWriters.forOutput(dir.resolve("m.gguf"), null, CheckpointFormat.HF).name());
        assertEquals("gguf", ModelWriters.forOutput(dir.resolve("out"), "gguf", CheckpointFormat.HF).name());
        assertEquals("gguf", ModelWriters.forOutput(dir.resolve("out"), null, CheckpointFormat.GGUF).name());
        assertTrue(assertThrows(UserError.class, () -> ModelWriters.forOutput(dir.resolve("m.onnx"), null,
                CheckpointFormat.HF)).getMessage().contains("onnx is not supported yet"));
        assertTrue(assertThrows(UserError.class, () -> ModelWriters.byName("onnx")).getMessage()
                .contains("not supported yet"));
        assertTrue(assertThrows(UserError.class, () -> ModelWriters.byName("tflite")).getMessage()
                .contains("unknown format (hf, llama2c, gguf, hf-sparse-bitmask, hf-sparse-24, nemotron-nas)"));
        // the compressed and Nemotron-NAS layouts are hf directories: chosen by name only, never by path
        assertEquals("hf-sparse-24", ModelWriters.forOutput(hfDir, "hf-sparse-24", CheckpointFormat.HF).name());
        assertEquals("nemotron-nas", ModelWriters.byName("NEMOTRON-NAS").name());
        assertEquals("hf", ModelWriters.forOutput(dir.resolve("plain"), null, CheckpointFormat.HF).name());
    }
}
