package org.prune4j.internal.io.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.io.hf.TinyCheckpoints;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;

class Llama2cFormatTest {
    /** stories260K: 28-byte header, then 264,128 floats of which the RoPE tables are 2 x 512 x 4. */
    private static final int ROPE_FLOATS = 2 * 512 * 4;

    @TempDir
    Path tmp;

    private static Path stories() {
        return BundledModels.checkpoint("stories260K");
    }

    private static UserError assertOneLineError(Runnable r, String... fragments) {
        UserError e = assertThrows(UserError.class, r::run);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    /** Offset in bytes of the RoPE tables of a llama2.c file with config {@code c}. */
    private static long ropeOffset(LlamaConfig c) {
        long dim = c.hiddenSize(), kv = c.kvDim(), l = c.numLayers(), h = c.intermediateSize();
        long floats = (long) c.vocabSize() * dim + l * dim * 2 + l * (dim * dim * 2 + kv * dim * 2) + l * h * dim * 3 + dim;
        return 28 + floats * 4;
    }

    @Test
    void readsStories260K() {
        LlamaCheckpoint ckpt = Llama2cFormat.read(stories(), null);
        LlamaConfig c = ckpt.config();
        assertEquals(new LlamaConfig("LlamaForCausalLM", 64, 172, 5, 8, 4, 8, 512, 512, 10000.0, 1e-5, true, false, 1, 2), c);
        assertEquals(CheckpointFormat.LLAMA2C, ckpt.format());
        assertEquals(2 + 5 * 9, ckpt.tensors().size(), "embedding, 9 per block, final norm; shared classifier");
        assertFalse(ckpt.tensors().containsKey(LlamaTensorNames.LM_HEAD));
        assertEquals(List.of(new LayerShape(172, 8, 4)), LayerShape.of(ckpt).stream().distinct().toList());
    }

    @Test
    void roundTripIsExactInEveryWeightAndEveryByte() throws Exception {
        Path src = stories();
        LlamaCheckpoint a = Llama2cFormat.read(src, null);
        Path out = tmp.resolve("copy.bin");
        Llama2cFormat.write(a, out);
        LlamaCheckpoint b = Llama2cFormat.read(out, null);
        assertEquals(a.config(), b.config());
        assertNull(TinyCheckpoints.firstDifference(a.tensors(), b.tensors()));
        byte[] original = Files.readAllBytes(src);
        byte[] copy = Files.readAllBytes(out);
        assertEquals(original.length, copy.length);
        int rope = Math.toIntExact(ropeOffset(a.config()));
        assertArrayEquals(Arrays.copyOfRange(original, 0, rope), Arrays.copyOfRange(copy, 0, rope), "header and weights");
        // the legacy RoPE tables (ignored by run.c) are recomputed; they agree with the exported ones to about one ulp
        ByteBuffer o = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer w = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ROPE_FLOATS; i++) {
            assertEquals(o.getFloat(rope + 4 * i), w.getFloat(rope + 4 * i), 2e-7, "rope value " + i);
        }
        assertEquals(original.length - rope - ROPE_FLOATS * 4, 0, "shared classifier: nothing after the tables");
    }

    @Test
    void qkRowsAreConvertedToTheHuggingFacePermutation() throws Exception {
        // transformers' convert_llama_weights_to_hf permutes w.view(heads, hd/2, 2, cols).transpose(1, 2):
        // half-split row s*hd/2 + j of a head comes from interleaved row 2j + s.
        Path src = stories();
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(src)).order(ByteOrder.LITTLE_ENDIAN);
        LlamaCheckpoint ckpt = Llama2cFormat.read(src, null);
        int dim = 64, hd = 8, vocab = 512, layers = 5, kvDim = 32;
        long wqStart = 28 + 4L * (vocab * dim + layers * dim);
        long wkStart = wqStart + 4L * layers * dim * dim;
        for (int layer : new int[] {0, 4}) {
            float[] q = ckpt.tensor(LlamaTensorNames.linearWeight(layer, "self_attn.q_proj")).toFloats();
            float[] k = ckpt.tensor(LlamaTensorNames.linearWeight(layer, "self_attn.k_proj")).toFloats();
            for (int head = 0; head < 8; head++) {
                for (int s = 0; s < 2; s++) {
                    for (int j = 0; j < hd / 2; j++) {
                        int hfRow = head * hd + s * hd / 2 + j;
                        int origRow = head * hd + 2 * j + s;
                        for (int col = 0; col < dim; col += 7) {
                            assertEquals(raw.getFloat((int) (wqStart + 4L * ((long) layer * dim * dim + (long) origRow * dim + col))),
                                    q[hfRow * dim + col]);
                            if (head < 4) {
                                assertEquals(raw.getFloat((int) (wkStart + 4L * ((long) layer * kvDim * dim + (long) origRow * dim + col))),
                                        k[hfRow * dim + col]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSeparateClassifierRoundTrips() throws Exception {
        LlamaCheckpoint ckpt = TinyCheckpoints.random(TinyCheckpoints.llama(), 21);
        assertTrue(ckpt.tensors().containsKey(LlamaTensorNames.LM_HEAD));
        Path out = tmp.resolve("untied.bin");
        Llama2cFormat.write(ckpt, out);
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(out), 0, 28).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(-40, header.getInt(20), "a negative vocab size marks a separate classifier");
        assertEquals(16, header.getInt(0));
        assertEquals(24, header.getInt(4));
        LlamaCheckpoint back = Llama2cFormat.read(out, null);
        assertFalse(back.config().tieWordEmbeddings());
        assertNull(TinyCheckpoints.firstDifference(ckpt.tensors(), back.tensors()));
        Path again = tmp.resolve("again.bin");
        Llama2cFormat.write(back, again);
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again));
        // half-precision tensors are widened exactly
        Map<String, TensorData> bf16 = new LinkedHashMap<>();
        ckpt.tensors().forEach((n, t) -> bf16.put(n, t.convertTo(DType.BF16)));
        Path fromBf16 = tmp.resolve("bf16.bin");
        Llama2cFormat.write(ckpt.withTensors(bf16), fromBf16);
        Llama2cFormat.read(fromBf16, null).tensors().forEach((n, t) -> assertArrayEquals(bf16.get(n).toFloats(), t.toFloats(), n));
    }

    @Test
    void aTiedModelWithAnIdenticalClassifierIsStoredShared() throws Exception {
        LlamaConfig tied = new LlamaConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 40, 64, 10000.0, 1e-5, true, false, 1, 2);
        LlamaCheckpoint ckpt = TinyCheckpoints.random(tied, 22);
        Map<String, TensorData> t = new LinkedHashMap<>(ckpt.tensors());
        t.put(LlamaTensorNames.LM_HEAD, t.get(LlamaTensorNames.EMBED));
        Path out = tmp.resolve("tied.bin");
        Llama2cFormat.write(ckpt.withTensors(t), out);
        assertEquals(40, ByteBuffer.wrap(Files.readAllBytes(out), 0, 28).order(ByteOrder.LITTLE_ENDIAN).getInt(20));
        assertNull(TinyCheckpoints.firstDifference(ckpt.tensors(), Llama2cFormat.read(out, null).tensors()));
    }

    @Test
    void uniformlyPrunedBlocksAreWrittenWithTheirMeasuredWidth() throws Exception {
        LlamaConfig c = TinyCheckpoints.llama();
        LlamaCheckpoint pruned = TinyCheckpoints.random(c, List.of(new LayerShape(10, 4, 2), new LayerShape(10, 4, 2)), 23);
        Path out = tmp.resolve("pruned.bin");
        Llama2cFormat.write(pruned, out);
        LlamaCheckpoint back = Llama2cFormat.read(out, null);
        assertEquals(10, back.config().intermediateSize());
        assertNull(TinyCheckpoints.firstDifference(pruned.tensors(), back.tensors()));
    }

    @Test
    void refusesWhatLlama2cCannotStore() throws Exception {
        Path out = tmp.resolve("never.bin");
        assertOneLineError(() -> Llama2cFormat.write(TinyCheckpoints.random(TinyCheckpoints.qwen2(), 24), out), "attention biases");
        LlamaConfig c = TinyCheckpoints.llama();
        LlamaCheckpoint nonUniform = TinyCheckpoints.random(c, List.of(new LayerShape(24, 4, 2), new LayerShape(12, 4, 2)), 25);
        assertOneLineError(() -> Llama2cFormat.write(nonUniform, out), "cannot write llama2.c " + out,
                "block 1 is 4 heads / 2 kv heads / 12 MLP neurons", "different widths");
        LlamaCheckpoint fewerHeads = TinyCheckpoints.random(c, List.of(new LayerShape(24, 2, 1), new LayerShape(24, 2, 1)), 26);
        assertOneLineError(() -> Llama2cFormat.write(fewerHeads, out), "2 heads of 4 != model width 16");
        LlamaConfig llama3 = new LlamaConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 40, 64, 500000.0, 1e-5, false, false, 1, 2);
        assertOneLineError(() -> Llama2cFormat.write(TinyCheckpoints.random(llama3, 27), out), "rope_theta 500000.0");
        LlamaConfig eps6 = new LlamaConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 40, 64, 10000.0, 1e-6, false, false, 1, 2);
        assertOneLineError(() -> Llama2cFormat.write(TinyCheckpoints.random(eps6, 28), out), "rms_norm_eps 1.0E-6");
        LlamaCheckpoint ok = TinyCheckpoints.random(c, 29);
        Map<String, TensorData> extra = new LinkedHashMap<>(ok.tensors());
        extra.put("model.layers.0.self_attn.o_proj.bias", TensorData.ofFloats(new long[] {16}, new float[16]));
        assertOneLineError(() -> Llama2cFormat.write(ok.withTensors(extra), out), "model.layers.0.self_attn.o_proj.bias", "which llama2.c cannot store; write a Hugging Face directory instead");
        Map<String, TensorData> noHead = new LinkedHashMap<>(ok.tensors());
        noHead.remove(LlamaTensorNames.LM_HEAD);
        assertOneLineError(() -> Llama2cFormat.write(ok.withTensors(noHead), out), "lacks lm_head.weight");
        Map<String, TensorData> badNorm = new LinkedHashMap<>(ok.tensors());
        badNorm.put(LlamaTensorNames.FINAL_NORM, TensorData.ofFloats(new long[] {15}, new float[15]));
        assertOneLineError(() -> Llama2cFormat.write(ok.withTensors(badNorm), out), "model.norm.weight has shape [15]");
        assertFalse(Files.exists(out));
        Files.createDirectories(tmp.resolve("adir"));
        assertOneLineError(() -> Llama2cFormat.write(ok, tmp.resolve("adir")), "is a directory");
    }

    @Test
    void neverOverwritesItsInput() throws Exception {
        Path copy = tmp.resolve("model.bin");
        Files.copy(stories(), copy);
        byte[] before = Files.readAllBytes(copy);
        LlamaCheckpoint ckpt = Llama2cFormat.read(copy, null);
        assertOneLineError(() -> Llama2cFormat.write(ckpt, copy), copy + ": is the input checkpoint");
        assertOneLineError(() -> Llama2cFormat.write(ckpt, tmp.resolve("x/../model.bin")), "is the input checkpoint");
        assertArrayEquals(before, Files.readAllBytes(copy));
    }

    // ---- corrupt files ----------------------------------------------------------------------------

    private Path withBytes(String name, byte[] content) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static byte[] withHeaderInt(byte[] file, int index, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(index * 4, value);
        return copy;
    }

    @Test
    void corruptFilesAreOneLineErrorsNamingThePath() throws Exception {
        byte[] good = Files.readAllBytes(stories());
        Path truncated = withBytes("truncated.bin", Arrays.copyOf(good, good.length - 4));
        assertOneLineError(() -> Llama2cFormat.read(truncated, null), truncated + ": truncated", "needs 1056540 bytes, the file has 1056536");
        Path trailing = withBytes("trailing.bin", Arrays.copyOf(good, good.length + 8));
        assertOneLineError(() -> Llama2cFormat.read(trailing, null), trailing + ": has trailing data");
        Path tiny = withBytes("tiny.bin", new byte[10]);
        assertOneLineError(() -> Llama2cFormat.read(tiny, null), tiny + ": truncated: 10 bytes, shorter than the 28-byte llama2.c header");
        Path empty = withBytes("empty.bin", new byte[0]);
        assertOneLineError(() -> Llama2cFormat.read(empty, null), empty + ": truncated");
        int[][] implausible = {{0, -64}, {0, 0}, {3, 3}, {4, 3}, {4, 16}, {5, 0}, {5, Integer.MIN_VALUE}, {6, 0},
                {1, Integer.MAX_VALUE}, {2, 100000}, {0, 60}, {3, 64}};
        for (int[] field : implausible) {
            Path p = withBytes("bad" + field[0] + "_" + field[1] + ".bin", withHeaderInt(good, field[0], field[1]));
            assertOneLineError(() -> Llama2cFormat.read(p, null), p + ": not a llama2.c checkpoint: implausible header");
        }
        // a plausible header that does not match the file size
        Path other = withBytes("other.bin", withHeaderInt(good, 2, 6));
        assertOneLineError(() -> Llama2cFormat.read(other, null), other + ": truncated: the header (dim 64, 6 layers, vocab 512)");
        // a negative vocab size claims a separate classifier the file does not hold
        Path claims = withBytes("claims.bin", withHeaderInt(good, 5, -512));
        assertOneLineError(() -> Llama2cFormat.read(claims, null), claims + ": truncated");
        Path missing = tmp.resolve("missing.bin");
        assertOneLineError(() -> Llama2cFormat.read(missing, null), missing + ": no such file");
    }
}
