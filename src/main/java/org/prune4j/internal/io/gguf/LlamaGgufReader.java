package org.prune4j.internal.io.gguf;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.DType;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.model.llama.RotaryLayout;

/**
 * Reads a GGUF file of the {@code llama} or {@code deci} architecture into prune4j's canonical names and
 * q/k layout. F32, F16 and BF16 tensors keep their dtype (mapped lazily, q/k reordered on reading); Q8_0
 * tensors are dequantized to float32. A {@code llama}-model vocabulary in the file becomes a llama2.c
 * {@code tokenizer.bin} in prune4j's cache, which the checkpoint names as its tokenizer.
 */
final class LlamaGgufReader {
    private LlamaGgufReader() {}

    static LlamaCheckpoint read(Path path, Path tokenizerOverride) {
        GgufFile f = GgufFile.open(path);
        String arch = string(f, "general.architecture");
        if (!arch.equals("llama") && !arch.equals("deci")) {
            throw new UserError(path + ": GGUF architecture '" + arch + "' is not supported yet (llama and deci are)");
        }
        GgufFile.TensorRecord embed = tensor(f, GgufTensorNames.TOKEN_EMBD);
        long[] es = embed.shape();
        if (es.length != 2) {
            throw new UserError(path + ": " + GgufTensorNames.TOKEN_EMBD + " is not a matrix");
        }
        int vocab = Math.toIntExact(es[0]);
        int dim = Math.toIntExact(es[1]);
        int layers = intValue(f, arch + ".block_count");
        if (layers <= 0 || layers > 4096) {
            throw new UserError(path + ": implausible " + arch + ".block_count " + layers);
        }
        int[] heads = perLayer(f, arch + ".attention.head_count", layers);
        int[] kvHeads = f.value(arch + ".attention.head_count_kv") == null ? heads.clone()
                : perLayer(f, arch + ".attention.head_count_kv", layers);
        int[] ffn = perLayer(f, arch + ".feed_forward_length", layers);
        int maxHeads = max(heads);
        int headDim = f.value(arch + ".attention.key_length") != null ? intValue(f, arch + ".attention.key_length")
                : f.value(arch + ".rope.dimension_count") != null ? intValue(f, arch + ".rope.dimension_count")
                : maxHeads > 0 ? dim / maxHeads : 0;
        int maxKv = 0;
        for (int i = 0; i < layers; i++) {
            if (heads[i] > 0) {
                maxKv = Math.max(maxKv, kvHeads[i]);
            }
        }
        if (maxHeads == 0 || maxKv == 0 || max(ffn) == 0) {
            throw new UserError(path + ": every block lacks attention or an FFN; nothing prune4j can run");
        }
        int configHeads = maxHeads - maxHeads % maxKv == maxHeads ? maxHeads : maxKv;
        int context = f.value(arch + ".context_length") != null ? intValue(f, arch + ".context_length") : 2048;
        double theta = f.value(arch + ".rope.freq_base") != null ? number(f, arch + ".rope.freq_base") : 10000.0;
        double eps = number(f, arch + ".attention.layer_norm_rms_epsilon");
        boolean tied = !f.tensors().containsKey(GgufTensorNames.OUTPUT);
        boolean bias = f.tensors().containsKey(GgufTensorNames.block(0, "attn_q.bias"));
        int bos = f.value("tokenizer.ggml.bos_token_id") != null ? intValue(f, "tokenizer.ggml.bos_token_id") : 1;
        int eos = f.value("tokenizer.ggml.eos_token_id") != null ? intValue(f, "tokenizer.ggml.eos_token_id") : 2;
        LlamaConfig config = new LlamaConfig("LlamaForCausalLM", dim, max(ffn), layers, configHeads, maxKv, headDim, vocab,
                context, theta, eps, tied, bias, bos, eos);

        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put(LlamaTensorNames.EMBED, load(f, embed, 0, 0));
        for (int i = 0; i < layers; i++) {
            for (Map.Entry<String, String> e : GgufTensorNames.BLOCK.entrySet()) {
                GgufFile.TensorRecord r = f.tensors().get(GgufTensorNames.block(i, e.getKey()));
                if (r == null) {
                    continue;
                }
                int rotaryHeads = e.getKey().startsWith("attn_q.") ? heads[i] : e.getKey().startsWith("attn_k.") ? kvHeads[i] : 0;
                t.put(LlamaTensorNames.block(i) + e.getValue(), load(f, r, rotaryHeads, headDim));
            }
            if (heads[i] == 0) {
                // an attention-free block: prune4j holds removed attention as projections of zero heads
                for (String proj : new String[] {"q_proj", "k_proj", "v_proj"}) {
                    t.put(LlamaTensorNames.linearWeight(i, "self_attn." + proj), TensorData.ofFloats(new long[] {0, dim}, new float[0]));
                }
                t.put(LlamaTensorNames.linearWeight(i, "self_attn.o_proj"), TensorData.ofFloats(new long[] {dim, 0}, new float[0]));
                float[] ones = new float[dim];
                java.util.Arrays.fill(ones, 1f);
                t.putIfAbsent(LlamaTensorNames.inputNorm(i), TensorData.ofFloats(new long[] {dim}, ones));
            }
        }
        t.put(LlamaTensorNames.FINAL_NORM, load(f, tensor(f, GgufTensorNames.OUTPUT_NORM), 0, 0));
        if (!tied) {
            t.put(LlamaTensorNames.LM_HEAD, load(f, tensor(f, GgufTensorNames.OUTPUT), 0, 0));
        }
        {
            for (String name : f.tensors().keySet()) {
                if (!isKnown(name, layers)) {
                    throw new UserError(path + ": tensor " + name + " is not part of a Llama-family model prune4j can read");
                }
            }
        }
        Path tokenizer = tokenizerOverride != null ? tokenizerOverride : extractVocabulary(f, vocab);
        return new LlamaCheckpoint(config, t, CheckpointFormat.GGUF, path, tokenizer);
    }

    private static boolean isKnown(String name, int layers) {
        if (name.equals(GgufTensorNames.TOKEN_EMBD) || name.equals(GgufTensorNames.OUTPUT_NORM) || name.equals(GgufTensorNames.OUTPUT)) {
            return true;
        }
        for (int i = 0; i < layers; i++) {
            for (String suffix : GgufTensorNames.BLOCK.keySet()) {
                if (name.equals(GgufTensorNames.block(i, suffix))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One tensor as TensorData: floats kept in their dtype, Q8_0 dequantized, q/k rows back to half-split order. */
    private static TensorData load(GgufFile f, GgufFile.TensorRecord r, int rotaryHeads, int headDim) {
        long[] shape = r.shape();
        ByteBuffer bytes = f.map(r);
        TensorData d = switch (r.type()) {
            case F32 -> new TensorData(DType.F32, shape, bytes);
            case F16 -> new TensorData(DType.F16, shape, bytes);
            case BF16 -> new TensorData(DType.BF16, shape, bytes);
            case Q8_0 -> TensorData.ofFloats(shape, Q8Blocks.dequantize(bytes, Math.toIntExact(r.numel())));
        };
        if (rotaryHeads <= 0) {
            return d;
        }
        long cols = shape.length < 2 ? 1 : shape[1];
        if (shape[0] != (long) rotaryHeads * headDim) {
            throw new UserError(f.path() + ": " + r.name() + " has " + shape[0] + " rows, not " + rotaryHeads + " heads of " + headDim);
        }
        float[] half = RotaryLayout.interleavedToHalfSplit(d.toFloats(), rotaryHeads, headDim, Math.toIntExact(cols));
        TensorData permuted = TensorData.ofFloats(shape, half);
        return d.dtype() == DType.F32 ? permuted : permuted.convertTo(d.dtype());
    }

    /**
     * Writes the file's SentencePiece vocabulary as a llama2.c {@code tokenizer.bin} under prune4j's cache
     * (named by its content hash) and returns it; {@code null} when the file holds no {@code llama} vocabulary.
     */
    private static Path extractVocabulary(GgufFile f, int vocab) {
        Object model = f.value("tokenizer.ggml.model");
        Object tokens = f.value("tokenizer.ggml.tokens");
        if (!"llama".equals(model) || !(tokens instanceof GgufMetadata.GgufArray arr) || arr.elementType() != GgufValueType.STRING) {
            return null;
        }
        Object[] pieces = (Object[]) arr.elements();
        if (pieces.length != vocab) {
            throw new UserError(f.path() + ": the vocabulary has " + pieces.length + " tokens but token_embd has " + vocab + " rows");
        }
        float[] scores = new float[vocab];
        if (f.value("tokenizer.ggml.scores") instanceof GgufMetadata.GgufArray s && s.elementType() == GgufValueType.FLOAT32 && s.length() == vocab) {
            scores = (float[]) s.elements();
        }
        String[] names = new String[vocab];
        for (int i = 0; i < vocab; i++) {
            names[i] = pieces[i].toString();
        }
        byte[] bin = new GgufVocabulary(names, scores, new int[vocab], 1, 2, 0).toLlama2cTokenizerBin();
        Path target = cacheRoot().resolve("gguf-vocab").resolve(sha256(bin)).resolve("tokenizer.bin");
        try {
            if (!Files.isRegularFile(target) || Files.size(target) != bin.length) {
                AtomicOutput.writeFile(target, os -> os.write(bin));
            }
        } catch (java.io.IOException e) {
            throw new UserError("cannot write the vocabulary of " + f.path() + " to " + target + ": " + e.getMessage());
        }
        return target;
    }

    /** True when {@code tokenizer} is a vocabulary this reader extracted from a GGUF file. */
    static boolean isExtractedVocabulary(Path tokenizer) {
        return tokenizer != null && tokenizer.toAbsolutePath().normalize().startsWith(cacheRoot().resolve("gguf-vocab").toAbsolutePath().normalize());
    }

    private static Path cacheRoot() {
        String override = System.getenv("PRUNE4J_CACHE");
        return override != null ? Path.of(override)
                : Path.of(System.getProperty("java.io.tmpdir"), "prune4j-" + System.getProperty("user.name", "user"));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GgufFile.TensorRecord tensor(GgufFile f, String name) {
        GgufFile.TensorRecord r = f.tensors().get(name);
        if (r == null) {
            throw new UserError(f.path() + ": GGUF file lacks tensor " + name);
        }
        return r;
    }

    private static String string(GgufFile f, String key) {
        if (!(f.value(key) instanceof String s)) {
            throw new UserError(f.path() + ": GGUF metadata lacks the string " + key);
        }
        return s;
    }

    private static double number(GgufFile f, String key) {
        if (!(f.value(key) instanceof Number n)) {
            throw new UserError(f.path() + ": GGUF metadata lacks the number " + key);
        }
        // a float32 value reads back as the decimal it was written from (1e-5, not 9.99999974737875e-6)
        return n instanceof Float fl ? Double.parseDouble(Float.toString(fl)) : n.doubleValue();
    }

    private static int intValue(GgufFile f, String key) {
        Object v = f.value(key);
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new UserError(f.path() + ": GGUF metadata lacks the integer " + key);
        }
        long l = ((Number) v).longValue();
        if (l < 0 || l > Integer.MAX_VALUE) {
            throw new UserError(f.path() + ": GGUF metadata " + key + " = " + l + " is out of range");
        }
        return (int) l;
    }

    /** A per-layer value: a scalar for every block, or an array of one value per block. */
    private static int[] perLayer(GgufFile f, String key, int layers) {
        Object v = f.value(key);
        int[] out = new int[layers];
        if (v instanceof GgufMetadata.GgufArray a) {
            if (a.length() != layers || !(a.elements() instanceof int[] ints)) {
                throw new UserError(f.path() + ": GGUF metadata " + key + " is not an array of " + layers + " integers");
            }
            for (int i = 0; i < layers; i++) {
                if (ints[i] < 0) {
                    throw new UserError(f.path() + ": GGUF metadata " + key + "[" + i + "] = " + ints[i] + " is negative");
                }
                out[i] = ints[i];
            }
            return out;
        }
        java.util.Arrays.fill(out, intValue(f, key));
        return out;
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
