package org.prune4j.internal.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/** Writing and reading GGUF files: round trips in every storage type, and corrupt files rejected in one line. */
class GgufReadWriteTest {
    @TempDir
    Path dir;

    @Test
    void f32RoundTripIsExactInEveryTensorAndKeepsTheTokenizer() {
        LlamaCheckpoint original = ModelLocator.loadLlama("stories260K", null);
        Path gguf = dir.resolve("m.gguf");
        GgufWriteResult r = GgufFormat.write(original, gguf, GgmlType.F32);
        assertEquals("llama", r.architecture());
        LlamaCheckpoint back = ModelLocator.loadLlama(gguf.toString(), null);
        assertEquals(CheckpointFormat.GGUF, back.format());
        assertEquals(original.config().hiddenSize(), back.config().hiddenSize());
        assertEquals(original.config().numKvHeads(), back.config().numKvHeads());
        assertEquals(original.config().intermediateSize(), back.config().intermediateSize());
        assertEquals(original.config().rmsNormEps(), back.config().rmsNormEps(), 1e-9);
        assertEquals(original.tensors().keySet(), back.tensors().keySet());
        for (Map.Entry<String, TensorData> e : original.tensors().entrySet()) {
            assertArrayEquals(e.getValue().toFloats(), back.tensor(e.getKey()).toFloats(), e.getKey());
        }
        Tokenizer a = Tokenizers.load(original.tokenizer(), 512);
        Tokenizer b = Tokenizers.load(back.tokenizer(), 512);
        String text = "Once upon a time, Lily found a shiny red ball!\nShe smiled.";
        assertArrayEquals(a.encode(text, true, false), b.encode(text, true, false));
        assertEquals(a.decode(a.encode(text, true, false)), b.decode(b.encode(text, true, false)));
    }

    @Test
    void f16AndBf16KeepTheirDtypeAndQ8StaysWithinAQuantizationStep() {
        LlamaCheckpoint original = ModelLocator.loadLlama("stories260K", null);
        String q = LlamaTensorNames.linearWeight(2, "self_attn.q_proj");
        for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
            Path gguf = dir.resolve(type + ".gguf");
            GgufFormat.write(original, gguf, type);
            LlamaCheckpoint back = GgufFormat.read(gguf, null);
            DType dtype = type == GgmlType.F16 ? DType.F16 : DType.BF16;
            assertEquals(dtype, back.tensor(q).dtype());
            assertArrayEquals(original.tensor(q).convertTo(dtype).toFloats(), back.tensor(q).toFloats());
            assertEquals(DType.F32, back.tensor(LlamaTensorNames.FINAL_NORM).dtype(), "vectors stay float32");
        }
        Path gguf = dir.resolve("q8.gguf");
        GgufWriteResult r = GgufFormat.write(original, gguf, GgmlType.Q8_0);
        assertEquals(5, r.fallbackToF16().size(), "down_proj rows of 172 are not whole blocks of 32");
        LlamaCheckpoint back = GgufFormat.read(gguf, null);
        float[] a = original.tensor(q).toFloats();
        float[] b = back.tensor(q).toFloats();
        for (int block = 0; block < a.length; block += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(a[block + i]));
            }
            float step = amax / 127f;
            for (int i = 0; i < 32; i++) {
                assertEquals(a[block + i], b[block + i], step * (0.5f + 127f / 2048f * 1.01f) + 1e-7f, "element " + (block + i));
            }
        }
    }

    @Test
    void reWritingAModelReadFromGgufKeepsTheFilesVocabulary() throws Exception {
        Path first = dir.resolve("a.gguf");
        GgufFormat.write(ModelLocator.loadLlama("stories260K", null), first, GgmlType.F32);
        Path second = dir.resolve("b.gguf");
        GgufFormat.write(GgufFormat.read(first, null), second, GgmlType.F32);
        GgufFile a = GgufFile.open(first);
        GgufFile b = GgufFile.open(second);
        int[] typesA = (int[]) ((GgufMetadata.GgufArray) a.value("tokenizer.ggml.token_type")).elements();
        int[] typesB = (int[]) ((GgufMetadata.GgufArray) b.value("tokenizer.ggml.token_type")).elements();
        assertArrayEquals(typesA, typesB);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "a GGUF round trip is byte-identical");
    }

    @Test
    void corruptFilesAreOneLineErrors() throws Exception {
        Path good = dir.resolve("good.gguf");
        GgufFormat.write(ModelLocator.loadLlama("stories260K", null), good, GgmlType.F32);
        byte[] bytes = Files.readAllBytes(good);

        assertCorrupt(write("empty.gguf", new byte[0]), "truncated");
        assertCorrupt(write("magic.gguf", patch(bytes, 0, 0x12345678)), "not a GGUF file");
        assertCorrupt(write("version.gguf", patch(bytes, 4, 1)), "version 1");
        assertCorrupt(write("short.gguf", java.util.Arrays.copyOf(bytes, bytes.length / 2)), "truncated");
        assertCorrupt(write("header.gguf", java.util.Arrays.copyOf(bytes, 3000)), "truncated");
        assertCorrupt(write("count.gguf", patchLong(bytes, 8, Long.MAX_VALUE)), "tensor count");
        assertCorrupt(write("kv.gguf", patchLong(bytes, 16, -1L)), "metadata count");
        // the first key's string length (right after the 24-byte header)
        assertCorrupt(write("strlen.gguf", patchLong(bytes, 24, Long.MAX_VALUE - 3)), "string length");
        assertCorrupt(write("strlen2.gguf", patchLong(bytes, 24, 1L << 23)), "truncated");
    }

    @Test
    void aTensorRecordPointingPastTheEndOrOfAnUnknownTypeIsRejected() throws Exception {
        Path good = dir.resolve("good.gguf");
        GgufFormat.write(ModelLocator.loadLlama("stories260K", null), good, GgmlType.F32);
        byte[] bytes = Files.readAllBytes(good);
        GgufFile f = GgufFile.open(good);
        // find the record of the last tensor: its name, then n_dims, dims, type, offset
        GgufFile.TensorRecord last = f.tensors().values().stream().reduce((a, b) -> b).orElseThrow();
        int at = indexOf(bytes, last.name().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + last.name().length();
        int nDims = ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int typeAt = at + 4 + 8 * nDims;
        assertCorrupt(write("offset.gguf", patchLong(bytes, typeAt + 4, 1L << 40)), "truncated");
        assertCorrupt(write("misaligned.gguf", patchLong(bytes, typeAt + 4, 3)), "not aligned");
        UserError e = assertThrows(UserError.class, () -> GgufFile.open(write("q4.gguf", patch(bytes, typeAt, 2))));
        assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
        assertCorrupt(write("dims.gguf", patch(bytes, at, 9)), "dimensions");
    }

    private Path write(String name, byte[] b) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static byte[] patch(byte[] b, int at, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return c;
    }

    private static byte[] patchLong(byte[] b, int at, long value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return c;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        int found = -1;
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            found = i; // the last occurrence is the tensor record (names also appear nowhere else)
        }
        return found;
    }

    private static void assertCorrupt(Path p, String fragment) {
        UserError e = assertThrows(UserError.class, () -> ModelLocator.loadLlama(p.toString(), null));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
