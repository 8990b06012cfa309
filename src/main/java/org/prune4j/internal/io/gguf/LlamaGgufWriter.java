package org.prune4j.internal.io.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.io.AtomicOutput;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.model.llama.RotaryLayout;

/**
 * Writes a Llama-family checkpoint as a GGUF file for llama.cpp. Blocks of one shape give the
 * {@code llama} architecture; blocks of different widths (structured pruning with per-layer allocation,
 * removed attention or MLP) give {@code deci}, whose per-layer INT32 arrays list each block's query heads,
 * key/value heads and FFN width (llama.cpp skips a block's attention when its head count is 0 and its
 * FFN when the FFN width is 0, keeping the residual stream).
 *
 * <p>q/k rows are stored in the interleaved rotary order llama.cpp's graphs use (prune4j keeps Hugging
 * Face's half-split order). Vectors (norms, biases) are always float32; matrices take the requested
 * type, except that Q8_0 falls back to F16 for matrices whose rows are not whole blocks of 32 (as
 * llama.cpp's own converter does).
 */
final class LlamaGgufWriter {
    private LlamaGgufWriter() {}

    static GgufWriteResult write(LlamaCheckpoint ckpt, Path out, GgmlType matrixType) {
        LlamaConfig c = ckpt.config();
        if (ckpt.tokenizer() == null) {
            throw new UserError("cannot write GGUF " + out + ": no tokenizer found beside the model (GGUF files carry the"
                    + " vocabulary); pass --tokenizer");
        }
        List<LayerShape> shapes = LayerShape.of(ckpt);
        boolean uniform = LayerShape.isUniform(shapes) && shapes.get(0).numHeads() > 0 && shapes.get(0).intermediateSize() > 0;
        String arch = uniform ? "llama" : "deci";
        Map<String, TensorData> t = ckpt.tensors();
        TensorData embed = required(t, LlamaTensorNames.EMBED, out);
        int vocab = Math.toIntExact(embed.shape()[0]);
        int dim = Math.toIntExact(embed.shape()[1]);

        GgufMetadata md = new GgufMetadata();
        md.putString("general.architecture", arch);
        GgufFile origin = ggufOrigin(ckpt);
        md.putString("general.name", origin != null && origin.value("general.name") instanceof String n ? n : nameOf(ckpt));
        md.putU32("general.alignment", GgufFileWriter.ALIGNMENT);
        md.putU32("general.file_type", matrixType.fileType());
        md.putU32(arch + ".vocab_size", vocab);
        md.putU32(arch + ".context_length", c.maxPositions());
        md.putU32(arch + ".embedding_length", dim);
        md.putU32(arch + ".block_count", c.numLayers());
        md.putU32(arch + ".rope.dimension_count", c.headDim());
        md.putU32(arch + ".attention.key_length", c.headDim());
        md.putU32(arch + ".attention.value_length", c.headDim());
        md.putF32(arch + ".attention.layer_norm_rms_epsilon", c.rmsNormEps());
        md.putF32(arch + ".rope.freq_base", c.ropeTheta());
        if (uniform) {
            LayerShape s = shapes.get(0);
            md.putU32(arch + ".feed_forward_length", s.intermediateSize());
            md.putU32(arch + ".attention.head_count", s.numHeads());
            md.putU32(arch + ".attention.head_count_kv", s.numKvHeads());
        } else {
            int n = shapes.size();
            int[] ffn = new int[n], heads = new int[n], kv = new int[n];
            for (int i = 0; i < n; i++) {
                ffn[i] = Math.max(1, shapes.get(i).intermediateSize()); // a removed FFN is one zero neuron
                heads[i] = shapes.get(i).numHeads();
                kv[i] = shapes.get(i).numKvHeads();
            }
            md.putI32Array(arch + ".feed_forward_length", ffn);
            md.putI32Array(arch + ".attention.head_count", heads);
            md.putI32Array(arch + ".attention.head_count_kv", kv);
        }
        if (!copyVocabulary(origin, ckpt, vocab, md)) {
            putVocabulary(md, GgufVocabulary.load(ckpt.tokenizer(), vocab, c.bosTokenId(), c.eosTokenId()));
        }

        List<GgufTensorOut> tensors = new ArrayList<>();
        List<String> fallback = new ArrayList<>();
        Set<String> used = new HashSet<>();
        tensors.add(tensor(GgufTensorNames.TOKEN_EMBD, embed, matrixType, 0, 0, fallback));
        used.add(LlamaTensorNames.EMBED);
        float[][] downBias = foldedDownBiases(t, shapes, dim, out);
        for (int i = 0; i < c.numLayers(); i++) {
            LayerShape s = shapes.get(i);
            for (Map.Entry<String, String> e : orderedBlock()) {
                String suffix = e.getKey();
                String name = LlamaTensorNames.block(i) + e.getValue();
                TensorData d = t.get(name);
                if (d != null) {
                    used.add(name);
                }
                boolean attention = suffix.startsWith("attn_");
                if (attention ? s.numHeads() == 0 : s.intermediateSize() == 0) {
                    continue; // removed sublayer: see below for a removed FFN
                }
                if (suffix.equals("ffn_down.bias") && downBias[i] != null) {
                    tensors.add(tensor(GgufTensorNames.block(i, suffix), TensorData.ofFloats(new long[] {dim}, downBias[i]), matrixType, 0, 0, fallback));
                    continue;
                }
                if (d == null || (suffix.endsWith(".bias") && isZero(d.toFloats()))) {
                    continue; // an all-zero bias adds nothing: left out (llama.cpp's biases are optional)
                }
                if ((suffix.startsWith("attn_q.b") || suffix.startsWith("attn_k.b") || suffix.startsWith("attn_v.b")) && d.shape()[0] != dim) {
                    throw new UserError("cannot write GGUF " + out + ": " + name + " has " + d.shape()[0] + " values; llama.cpp takes q/k/v"
                            + " biases only as wide as the model (" + dim + ")");
                }
                int heads = suffix.startsWith("attn_q.") ? s.numHeads() : suffix.startsWith("attn_k.") ? s.numKvHeads() : 0;
                tensors.add(tensor(GgufTensorNames.block(i, suffix), d, matrixType, heads, c.headDim(), fallback));
            }
            if (s.intermediateSize() == 0) {
                // llama.cpp builds every deci block's FFN (and some builds drop the attention output of a block
                // whose FFN width is 0), so a removed FFN is written as one neuron with zero weights: it adds
                // exactly zero (or the compensation bias) to the residual stream.
                TensorData norm = t.get(LlamaTensorNames.postAttentionNorm(i));
                float[] ones = new float[dim];
                java.util.Arrays.fill(ones, 1f);
                tensors.add(tensor(GgufTensorNames.block(i, "ffn_norm.weight"), norm != null ? norm : TensorData.ofFloats(new long[] {dim}, ones), matrixType, 0, 0, fallback));
                tensors.add(tensor(GgufTensorNames.block(i, "ffn_gate.weight"), TensorData.ofFloats(new long[] {1, dim}, new float[dim]), matrixType, 0, 0, fallback));
                tensors.add(tensor(GgufTensorNames.block(i, "ffn_up.weight"), TensorData.ofFloats(new long[] {1, dim}, new float[dim]), matrixType, 0, 0, fallback));
                tensors.add(tensor(GgufTensorNames.block(i, "ffn_down.weight"), TensorData.ofFloats(new long[] {dim, 1}, new float[dim]), matrixType, 0, 0, fallback));
                if (downBias[i] != null) {
                    tensors.add(tensor(GgufTensorNames.block(i, "ffn_down.bias"), TensorData.ofFloats(new long[] {dim}, downBias[i]), matrixType, 0, 0, fallback));
                }
            }
        }
        tensors.add(tensor(GgufTensorNames.OUTPUT_NORM, required(t, LlamaTensorNames.FINAL_NORM, out), matrixType, 0, 0, fallback));
        used.add(LlamaTensorNames.FINAL_NORM);
        TensorData head = t.get(LlamaTensorNames.LM_HEAD);
        if (head != null) {
            used.add(LlamaTensorNames.LM_HEAD);
            if (!(c.tieWordEmbeddings() && head.equals(embed))) {
                tensors.add(tensor(GgufTensorNames.OUTPUT, head, matrixType, 0, 0, fallback));
            }
        } else if (!c.tieWordEmbeddings()) {
            throw new UserError("cannot write GGUF " + out + ": the model lacks " + LlamaTensorNames.LM_HEAD);
        }
        for (String name : t.keySet()) {
            if (!used.contains(name)) {
                throw new UserError("cannot write GGUF " + out + ": llama.cpp's " + arch + " architecture has no place for tensor " + name);
            }
        }
        AtomicOutput.writeFile(out, os -> GgufFileWriter.write(os, md, tensors));
        return new GgufWriteResult(arch, tensors.size(), fallback);
    }

    private static void putVocabulary(GgufMetadata md, GgufVocabulary v) {
        md.putString("tokenizer.ggml.model", "llama");
        md.putStringArray("tokenizer.ggml.tokens", v.tokens());
        md.putF32Array("tokenizer.ggml.scores", v.scores());
        md.putI32Array("tokenizer.ggml.token_type", v.types());
        md.putU32("tokenizer.ggml.bos_token_id", v.bosId());
        md.putU32("tokenizer.ggml.eos_token_id", v.eosId());
        if (v.unkId() >= 0) {
            md.putU32("tokenizer.ggml.unknown_token_id", v.unkId());
        }
        md.putBool("tokenizer.ggml.add_bos_token", true);
        md.putBool("tokenizer.ggml.add_eos_token", false);
    }

    /** The GGUF file a checkpoint was read from, or {@code null}. */
    private static GgufFile ggufOrigin(LlamaCheckpoint ckpt) {
        if (ckpt.format() != org.prune4j.internal.model.llama.CheckpointFormat.GGUF || ckpt.source() == null
                || !java.nio.file.Files.isRegularFile(ckpt.source())) {
            return null;
        }
        return GgufFile.open(ckpt.source());
    }

    /**
     * A model read from a GGUF file (and still using that file's vocabulary) keeps the file's
     * {@code tokenizer.*} metadata verbatim; true when it was copied.
     */
    private static boolean copyVocabulary(GgufFile origin, LlamaCheckpoint ckpt, int vocab, GgufMetadata md) {
        if (origin == null || !(origin.value("tokenizer.ggml.tokens") instanceof GgufMetadata.GgufArray tokens)
                || tokens.length() != vocab || !LlamaGgufReader.isExtractedVocabulary(ckpt.tokenizer())) {
            return false;
        }
        for (GgufMetadata.Entry e : origin.metadata().entries()) {
            if (e.key().startsWith("tokenizer.")) {
                md.put(e.key(), e.type(), e.value());
            }
        }
        return true;
    }

    /**
     * Per block, the FFN down-projection bias to write, or {@code null} to write the stored one (if any).
     * A block whose attention was removed but kept an {@code o_proj} bias (structured pruning's bias
     * compensation) adds a constant to the residual stream; llama.cpp's attention-free blocks have no place
     * for it, so it is folded into the FFN output bias of the block before, which adds to the same stream.
     */
    private static float[][] foldedDownBiases(Map<String, TensorData> t, List<LayerShape> shapes, int dim, Path out) {
        float[][] bias = new float[shapes.size()][];
        for (int i = 0; i < shapes.size(); i++) {
            TensorData own = t.get(LlamaTensorNames.block(i) + "mlp.down_proj.bias");
            if (own != null) {
                bias[i] = own.toFloats();
            }
        }
        for (int i = 0; i < shapes.size(); i++) {
            TensorData o = t.get(LlamaTensorNames.block(i) + "self_attn.o_proj.bias");
            if (shapes.get(i).numHeads() > 0 || o == null || isZero(o.toFloats())) {
                continue;
            }
            if (i == 0) {
                throw new UserError("cannot write GGUF " + out + ": block 0 has no attention heads but an o_proj bias, which llama.cpp cannot express");
            }
            float[] add = o.toFloats();
            float[] target = bias[i - 1] != null ? bias[i - 1] : new float[dim];
            for (int k = 0; k < dim; k++) {
                target[k] += add[k];
            }
            bias[i - 1] = target;
        }
        return bias;
    }

    private static boolean isZero(float[] f) {
        for (float v : f) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    private static List<Map.Entry<String, String>> orderedBlock() {
        List<Map.Entry<String, String>> out = new ArrayList<>(GgufTensorNames.BLOCK.entrySet());
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    private static TensorData required(Map<String, TensorData> t, String name, Path out) {
        TensorData d = t.get(name);
        if (d == null) {
            throw new UserError("cannot write GGUF " + out + ": the model lacks " + name);
        }
        return d;
    }

    private static String nameOf(LlamaCheckpoint ckpt) {
        if (ckpt.source() == null || ckpt.source().getFileName() == null) {
            return "prune4j model";
        }
        String n = ckpt.source().getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /**
     * One tensor for the file. {@code rotaryHeads > 0} marks q/k tensors, whose rows are reordered from
     * half-split to interleaved rotary order.
     */
    private static GgufTensorOut tensor(String name, TensorData d, GgmlType matrixType, int rotaryHeads, int headDim,
            List<String> fallback) {
        long[] shape = d.shape();
        long[] dims = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            dims[k] = shape[shape.length - 1 - k];
        }
        GgmlType type = shape.length < 2 ? GgmlType.F32 : matrixType;
        if (type == GgmlType.Q8_0 && dims[0] % Q8Blocks.BLOCK != 0) {
            type = GgmlType.F16;
            fallback.add(name);
        }
        GgmlType chosen = type;
        long cols = shape.length < 2 ? 1 : shape[1];
        return new GgufTensorOut(name, chosen, dims, () -> {
            float[] f = d.toFloats();
            if (rotaryHeads > 0) {
                f = RotaryLayout.halfSplitToInterleaved(f, rotaryHeads, headDim, Math.toIntExact(cols));
            }
            return encode(f, chosen);
        });
    }

    static byte[] encode(float[] f, GgmlType type) {
        return switch (type) {
            case F32 -> {
                ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(f);
                yield b.array();
            }
            case F16, BF16 -> {
                TensorData conv = TensorData.ofFloats(new long[] {f.length}, f).convertTo(
                        type == GgmlType.F16 ? org.prune4j.internal.io.DType.F16 : org.prune4j.internal.io.DType.BF16);
                byte[] out = new byte[f.length * 2];
                conv.bytes().duplicate().get(out);
                yield out;
            }
            case Q8_0 -> Q8Blocks.quantize(f);
        };
    }
}
