package org.prune4j.internal.io.llama2c;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.model.llama.RotaryLayout;

/**
 * llama2.c checkpoints, version-0 layout: a header of 7 little-endian int32 (dim, hidden_dim, n_layers,
 * n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means the classifier is stored
 * separately), then float32 arrays: token embedding, attention norms, wq, wk, wv, wo, FFN norms, w1, w2,
 * w3, final norm, the legacy RoPE tables (seq_len × head_size/2, twice, unused), and the classifier when
 * not shared.
 *
 * <p>Reading converts to prune4j's canonical names and q/k row layout ({@link LlamaTensorNames},
 * {@link RotaryLayout}); writing converts back. The legacy RoPE tables are recomputed on writing
 * (llama2.c ignores them), so a round trip is exact in every weight.
 */
public final class Llama2cFormat {
    private static final int HEADER_BYTES = 7 * 4;
    /** The RoPE base {@code run.c} hard-codes. */
    static final double LLAMA2C_ROPE_THETA = 10000.0;
    /** The RMSNorm epsilon {@code run.c} hard-codes. */
    static final double LLAMA2C_RMS_EPS = 1e-5;

    private Llama2cFormat() {}

    /** Reads a llama2.c checkpoint. {@code tokenizer} is recorded as-is (may be null). */
    public static LlamaCheckpoint read(Path path, Path tokenizer) {
        ByteBuffer buf = map(path);
        if (buf.remaining() < HEADER_BYTES) {
            throw new UserError(path + ": truncated: " + buf.remaining() + " bytes, shorter than the 28-byte llama2.c header");
        }
        int dim = buf.getInt(0), hidden = buf.getInt(4), layers = buf.getInt(8), heads = buf.getInt(12),
                kvHeads = buf.getInt(16), vocabSigned = buf.getInt(20), seqLen = buf.getInt(24);
        boolean shared = vocabSigned > 0;
        int vocab = vocabSigned == Integer.MIN_VALUE ? 0 : Math.abs(vocabSigned);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
                || dim % heads != 0 || (dim / heads) % 2 != 0 || heads % kvHeads != 0 || dim > 1 << 16
                || layers > 1024 || hidden > 1 << 20 || vocab > 1 << 24 || seqLen > 1 << 24) {
            throw new UserError(path + ": not a llama2.c checkpoint: implausible header (dim " + dim + ", hidden "
                    + hidden + ", layers " + layers + ", heads " + heads + ", kv heads " + kvHeads + ", vocab "
                    + vocabSigned + ", seq_len " + seqLen + ")");
        }
        int headSize = dim / heads;
        LlamaConfig cfg = new LlamaConfig("LlamaForCausalLM", dim, hidden, layers, heads, kvHeads, headSize, vocab,
                seqLen, LLAMA2C_ROPE_THETA, LLAMA2C_RMS_EPS, shared, false, 1, 2);
        long expectedFloats = expectedFloats(cfg, shared);
        long expectedBytes = HEADER_BYTES + expectedFloats * 4;
        if (buf.remaining() != expectedBytes) {
            throw new UserError(path + ": " + (buf.remaining() < expectedBytes ? "truncated" : "has trailing data")
                    + ": the header (dim " + dim + ", " + layers + " layers, vocab " + vocab + ") needs "
                    + expectedBytes + " bytes, the file has " + buf.remaining());
        }
        Reader r = new Reader(buf);
        int kvDim = cfg.kvDim();
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put(LlamaTensorNames.EMBED, r.next(vocab, dim));
        TensorData[] attNorm = r.perLayer(layers, dim);
        TensorData[] wq = r.perLayer(layers, dim, dim);
        TensorData[] wk = r.perLayer(layers, kvDim, dim);
        TensorData[] wv = r.perLayer(layers, kvDim, dim);
        TensorData[] wo = r.perLayer(layers, dim, dim);
        TensorData[] ffnNorm = r.perLayer(layers, dim);
        TensorData[] w1 = r.perLayer(layers, hidden, dim);
        TensorData[] w2 = r.perLayer(layers, dim, hidden);
        TensorData[] w3 = r.perLayer(layers, hidden, dim);
        TensorData finalNorm = r.next(dim);
        r.skip((long) seqLen * (headSize / 2) * 2);
        TensorData cls = shared ? null : r.next(vocab, dim);
        for (int i = 0; i < layers; i++) {
            t.put(LlamaTensorNames.inputNorm(i), attNorm[i]);
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.q_proj"), toHalfSplit(wq[i], heads, headSize, dim));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.k_proj"), toHalfSplit(wk[i], kvHeads, headSize, dim));
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.v_proj"), wv[i]);
            t.put(LlamaTensorNames.linearWeight(i, "self_attn.o_proj"), wo[i]);
            t.put(LlamaTensorNames.postAttentionNorm(i), ffnNorm[i]);
            t.put(LlamaTensorNames.linearWeight(i, "mlp.gate_proj"), w1[i]);
            t.put(LlamaTensorNames.linearWeight(i, "mlp.down_proj"), w2[i]);
            t.put(LlamaTensorNames.linearWeight(i, "mlp.up_proj"), w3[i]);
        }
        t.put(LlamaTensorNames.FINAL_NORM, finalNorm);
        if (cls != null) {
            t.put(LlamaTensorNames.LM_HEAD, cls);
        }
        return new LlamaCheckpoint(cfg, t, CheckpointFormat.LLAMA2C, path, tokenizer);
    }

    /** Number of float32 values after the header for {@code cfg}. */
    static long expectedFloats(LlamaConfig c, boolean shared) {
        long dim = c.hiddenSize(), hidden = c.intermediateSize(), l = c.numLayers(), kv = c.kvDim();
        long n = (long) c.vocabSize() * dim
                + l * dim * 2
                + l * (dim * dim * 2 + kv * dim * 2)
                + l * hidden * dim * 3
                + dim
                + (long) c.maxPositions() * (c.headDim() / 2) * 2;
        return shared ? n : n + (long) c.vocabSize() * dim;
    }

    /**
     * Writes {@code ckpt} as a llama2.c file, atomically. The model must be expressible in llama2.c: no
     * biases or other extra tensors, {@code numHeads * headDim == hiddenSize}, every block the same width
     * (measured from the tensors, so a uniformly pruned MLP is fine), RoPE theta 10000 and RMSNorm epsilon
     * 1e-5 (which {@code run.c} hard-codes). The classifier is stored shared when the model ties it to
     * the embedding, otherwise after the RoPE tables with a negative vocab size in the header.
     */
    public static void write(LlamaCheckpoint ckpt, Path out) {
        if (ckpt.source() != null && sameFile(out, ckpt.source())) {
            throw new UserError(out + ": is the input checkpoint; write the output elsewhere");
        }
        if (Files.isDirectory(out)) {
            throw new UserError(out + ": is a directory; a llama2.c checkpoint is a single file");
        }
        Plan plan;
        try {
            plan = plan(ckpt);
        } catch (UserError e) {
            throw new UserError("cannot write llama2.c " + out + ": " + e.getMessage(), e);
        }
        AtomicOutput.writeFile(out, os -> writeTo(ckpt, plan, os));
    }

    /** The header values and classifier placement of a checkpoint about to be written. */
    private record Plan(LlamaConfig config, boolean shared) {}

    private static Plan plan(LlamaCheckpoint ckpt) {
        LlamaConfig c = ckpt.config();
        Map<String, TensorData> t = ckpt.tensors();
        if (c.attentionBias()) {
            throw new UserError("the model has attention biases, which llama2.c cannot store");
        }
        String bias = t.keySet().stream().filter(n -> n.endsWith(".bias")).findFirst().orElse(null);
        if (bias != null) {
            throw new UserError("the model has biases (" + bias + ", e.g. from bias compensation), which llama2.c cannot"
                    + " store; write a Hugging Face directory instead (an output path not ending in .bin)");
        }
        if (c.ropeTheta() != LLAMA2C_ROPE_THETA) {
            throw new UserError("rope_theta " + c.ropeTheta() + " cannot be stored (llama2.c run.c assumes 10000)");
        }
        if (c.rmsNormEps() != LLAMA2C_RMS_EPS) {
            throw new UserError("rms_norm_eps " + c.rmsNormEps() + " cannot be stored (llama2.c run.c assumes 1e-5)");
        }
        TensorData embed = t.get(LlamaTensorNames.EMBED);
        if (embed == null || embed.shape().length != 2) {
            throw new UserError("the model lacks a " + LlamaTensorNames.EMBED + " matrix");
        }
        int vocab = Math.toIntExact(embed.shape()[0]);
        int dim = Math.toIntExact(embed.shape()[1]);
        List<LayerShape> shapes = LayerShape.of(ckpt);
        for (int i = 1; i < shapes.size(); i++) {
            if (!shapes.get(i).equals(shapes.get(0))) {
                throw new UserError("block " + i + " is " + describe(shapes.get(i)) + " but block 0 is " + describe(shapes.get(0))
                        + "; llama2.c cannot store blocks of different widths, so write a Hugging Face directory instead"
                        + " (an output path not ending in .bin)");
            }
        }
        LayerShape s = shapes.get(0);
        if (s.numHeads() * c.headDim() != dim) {
            throw new UserError(s.numHeads() + " heads of " + c.headDim() + " != model width " + dim
                    + "; llama2.c needs heads x head_dim == dim, so write a Hugging Face directory instead"
                    + " (an output path not ending in .bin)");
        }
        TensorData head = t.get(LlamaTensorNames.LM_HEAD);
        boolean shared;
        if (head == null) {
            if (!c.tieWordEmbeddings()) {
                throw new UserError("the model lacks " + LlamaTensorNames.LM_HEAD + " and does not tie it to the embedding");
            }
            shared = true;
        } else {
            shared = c.tieWordEmbeddings() && sameValues(head, embed);
        }
        LlamaConfig written = new LlamaConfig(c.architecture(), dim, s.intermediateSize(), c.numLayers(), s.numHeads(),
                s.numKvHeads(), c.headDim(), vocab, c.maxPositions(), c.ropeTheta(), c.rmsNormEps(), shared, false,
                c.bosTokenId(), c.eosTokenId());
        Set<String> stored = new HashSet<>(List.of(LlamaTensorNames.EMBED, LlamaTensorNames.FINAL_NORM, LlamaTensorNames.LM_HEAD));
        for (int i = 0; i < c.numLayers(); i++) {
            stored.add(LlamaTensorNames.inputNorm(i));
            stored.add(LlamaTensorNames.postAttentionNorm(i));
            for (String linear : LlamaTensorNames.BLOCK_LINEARS) {
                stored.add(LlamaTensorNames.linearWeight(i, linear));
            }
        }
        for (String name : t.keySet()) {
            if (!stored.contains(name)) {
                throw new UserError("llama2.c has no place for tensor " + name);
            }
        }
        return new Plan(written, shared);
    }

    private static String describe(LayerShape s) {
        return s.numHeads() + " heads / " + s.numKvHeads() + " kv heads / " + s.intermediateSize() + " MLP neurons";
    }

    private static boolean sameValues(TensorData a, TensorData b) {
        return java.util.Arrays.equals(a.shape(), b.shape())
                && (a.dtype() == b.dtype() ? a.bytes().equals(b.bytes()) : java.util.Arrays.equals(a.toFloats(), b.toFloats()));
    }

    /** True when {@code a} and {@code b} name the same file (lexically, or as the same existing file). */
    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeTo(LlamaCheckpoint ckpt, Plan plan, OutputStream os) throws IOException {
        LlamaConfig c = plan.config();
        boolean shared = plan.shared();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(c.hiddenSize()).putInt(c.intermediateSize()).putInt(c.numLayers()).putInt(c.numHeads())
                .putInt(c.numKvHeads()).putInt(shared ? c.vocabSize() : -c.vocabSize()).putInt(c.maxPositions());
        os.write(header.array());
        Writer w = new Writer(os);
        int dim = c.hiddenSize(), hd = c.headDim();
        w.put(ckpt, LlamaTensorNames.EMBED, c.vocabSize(), dim);
        int l = c.numLayers();
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.inputNorm(i), dim);
        for (int i = 0; i < l; i++) w.putInterleaved(ckpt, LlamaTensorNames.linearWeight(i, "self_attn.q_proj"), c.numHeads(), hd, dim);
        for (int i = 0; i < l; i++) w.putInterleaved(ckpt, LlamaTensorNames.linearWeight(i, "self_attn.k_proj"), c.numKvHeads(), hd, dim);
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.linearWeight(i, "self_attn.v_proj"), c.kvDim(), dim);
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.linearWeight(i, "self_attn.o_proj"), dim, dim);
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.postAttentionNorm(i), dim);
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.linearWeight(i, "mlp.gate_proj"), c.intermediateSize(), dim);
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.linearWeight(i, "mlp.down_proj"), dim, c.intermediateSize());
        for (int i = 0; i < l; i++) w.put(ckpt, LlamaTensorNames.linearWeight(i, "mlp.up_proj"), c.intermediateSize(), dim);
        w.put(ckpt, LlamaTensorNames.FINAL_NORM, dim);
        w.putFloats(legacyRopeTables(c));
        if (!shared) {
            w.put(ckpt, LlamaTensorNames.LM_HEAD, c.vocabSize(), dim);
        }
        os.flush();
    }

    /** The freq_cis_real then freq_cis_imag tables llama2.c's export writes (run.c ignores them). */
    private static float[] legacyRopeTables(LlamaConfig c) {
        int half = c.headDim() / 2;
        float[] out = new float[c.maxPositions() * half * 2];
        int imag = c.maxPositions() * half;
        // float32 at every step, as the PyTorch export computes them (agrees to about one ulp)
        float[] freq = new float[half];
        for (int j = 0; j < half; j++) {
            float exponent = (float) (2 * j) / c.headDim();
            freq[j] = 1.0f / (float) Math.pow(c.ropeTheta(), exponent);
        }
        for (int p = 0; p < c.maxPositions(); p++) {
            for (int j = 0; j < half; j++) {
                float a = p * freq[j];
                out[p * half + j] = (float) Math.cos(a);
                out[imag + p * half + j] = (float) Math.sin(a);
            }
        }
        return out;
    }

    private static TensorData toHalfSplit(TensorData t, int heads, int headDim, int cols) {
        return TensorData.ofFloats(t.shape(), RotaryLayout.interleavedToHalfSplit(t.toFloats(), heads, headDim, cols));
    }

    private static ByteBuffer map(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new UserError(path + ": llama2.c checkpoints over 2 GiB are not supported yet");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read: " + e.getMessage());
        }
    }

    /** Sequential reader over the float section. */
    private static final class Reader {
        private final ByteBuffer buf;
        private long pos = HEADER_BYTES;

        Reader(ByteBuffer buf) {
            this.buf = buf;
        }

        TensorData next(long... shape) {
            int bytes = Math.toIntExact(TensorData.numel(shape) * 4);
            ByteBuffer slice = buf.slice((int) pos, bytes).order(ByteOrder.LITTLE_ENDIAN);
            pos += bytes;
            return new TensorData(org.prune4j.internal.io.DType.F32, shape, slice);
        }

        TensorData[] perLayer(int layers, long... shape) {
            TensorData[] out = new TensorData[layers];
            for (int i = 0; i < layers; i++) {
                out[i] = next(shape);
            }
            return out;
        }

        void skip(long floats) {
            pos += floats * 4;
        }
    }

    /** Sequential writer of float32 arrays, checking shapes against the config. */
    private static final class Writer {
        private final DataOutputStream out;

        Writer(OutputStream os) {
            this.out = new DataOutputStream(os);
        }

        void put(LlamaCheckpoint ckpt, String name, long... shape) throws IOException {
            putFloats(checked(ckpt, name, shape).toFloats());
        }

        void putInterleaved(LlamaCheckpoint ckpt, String name, int heads, int headDim, int cols) throws IOException {
            float[] f = checked(ckpt, name, (long) heads * headDim, cols).toFloats();
            putFloats(RotaryLayout.halfSplitToInterleaved(f, heads, headDim, cols));
        }

        private static TensorData checked(LlamaCheckpoint ckpt, String name, long... shape) {
            TensorData t = ckpt.tensors().get(name);
            if (t == null) {
                throw new UserError("cannot write llama2.c: the model lacks " + name);
            }
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                throw new UserError("cannot write llama2.c: " + name + " has shape " + java.util.Arrays.toString(t.shape())
                        + ", llama2.c needs " + java.util.Arrays.toString(shape) + " (structurally pruned models need the HF format)");
            }
            return t;
        }

        void putFloats(float[] f) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
            out.write(b.array());
        }
    }

    /** True when {@code path} is a regular file (llama2.c checkpoints are single files). */
    public static boolean looksLikeLlama2c(Path path) {
        return Files.isRegularFile(path);
    }
}
