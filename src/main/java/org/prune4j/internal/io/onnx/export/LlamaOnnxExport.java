package org.prune4j.internal.io.onnx.export;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.io.hf.LayerShape;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;
import org.prune4j.internal.model.llama.RotaryTable;

/**
 * A Llama-family checkpoint as an ONNX graph (opset {@value GraphWriter#OPSET}, standard operators only)
 * computing what prune4j's forward pass computes: token embedding, pre-norm blocks (RMSNorm, rotary
 * attention with grouped-query heads and a causal mask, SwiGLU MLP, residuals), final norm and classifier.
 *
 * <p>Inputs and outputs follow Hugging Face optimum's decoder exports: {@code input_ids} (int64
 * {@code [batch_size, sequence_length]}) → {@code logits} ({@code [batch_size, sequence_length, vocab]}).
 * With the key/value cache, also {@code attention_mask} (int64 {@code [batch_size, total_sequence_length]},
 * 1 = attend, 0 = padding), {@code position_ids} (int64 {@code [batch_size, sequence_length]}) and, for every
 * block {@code i} that has attention, {@code past_key_values.i.key/value} (float32 {@code [batch_size,
 * kv_heads_i, past_sequence_length, head_dim]}) in and {@code present.i.key/value} (past and new together,
 * rotated keys) out. Each block has its own number of key/value heads, so structurally pruned models with
 * per-layer widths export as they are; a block whose attention was removed has no cache entries.
 *
 * <p>Blocks whose attention or MLP was removed add only their {@code o_proj}/{@code down_proj} bias (bias
 * compensation) or nothing, and compute no norm, as in {@code DecoderBlock}.
 */
public final class LlamaOnnxExport {
    private static final String BATCH = "batch_size";
    private static final String SEQ = "sequence_length";
    private static final String PAST = "past_sequence_length";
    private static final String TOTAL = "total_sequence_length";

    private final LlamaCheckpoint ckpt;
    private final LlamaConfig c;
    private final OnnxExportOptions options;
    private final GraphWriter g;
    private final Set<String> used = new HashSet<>();

    private LlamaOnnxExport(LlamaCheckpoint ckpt, OnnxExportOptions options) {
        this.ckpt = ckpt;
        this.c = ckpt.config();
        this.options = options;
        this.g = new GraphWriter("prune4j-llama", options.weightType());
    }

    /** The ONNX model of {@code ckpt}; a {@link UserError} when the checkpoint's tensors do not form a model. */
    public static ModelProto build(LlamaCheckpoint ckpt, OnnxExportOptions options) {
        return new LlamaOnnxExport(ckpt, options).graph();
    }

    /** The names of the cache inputs of block {@code i}: key, then value. */
    public static List<String> pastNames(int i) {
        return List.of("past_key_values." + i + ".key", "past_key_values." + i + ".value");
    }

    /** The names of the cache outputs of block {@code i}: key, then value. */
    public static List<String> presentNames(int i) {
        return List.of("present." + i + ".key", "present." + i + ".value");
    }

    private ModelProto graph() {
        List<LayerShape> shapes = LayerShape.of(ckpt);
        int hd = c.headDim();
        TensorData embed = tensor(LlamaTensorNames.EMBED, -1, c.hiddenSize());
        long vocab = embed.shape()[0];
        long dim = c.hiddenSize();
        boolean kv = options.kvCache();

        g.builder().input("input_ids", OnnxDataType.INT64, BATCH, SEQ);
        if (kv) {
            g.builder().input("attention_mask", OnnxDataType.INT64, BATCH, TOTAL);
            g.builder().input("position_ids", OnnxDataType.INT64, BATCH, SEQ);
        }
        g.builder().output("logits", OnnxDataType.FLOAT, BATCH, SEQ, vocab);

        // lengths: T new tokens after P cached ones (P = 0 without a cache)
        String s = "positions";
        String seqLen = g.op(s, "Squeeze", List.of(g.op(s, "Shape", List.of("input_ids"), "start", 1L, "end", 2L)));
        String past;
        String total;
        if (kv) {
            total = g.op(s, "Squeeze", List.of(g.op(s, "Shape", List.of("attention_mask"), "start", 1L, "end", 2L)));
            past = g.op(s, "Sub", List.of(total, seqLen));
        } else {
            past = g.scalar(s + "/zero", 0L);
            total = seqLen;
        }
        String one = g.scalar(s + "/one", 1L);
        String queryPos = g.op(s, "Range", List.of(past, total, one));                   // [T]
        String keyPos = g.op(s, "Range", List.of(g.scalar(s + "/start", 0L), total, one)); // [S]
        String causal = g.op(s, "LessOrEqual", List.of(g.unsqueeze(s, keyPos, 0), g.unsqueeze(s, queryPos, 1))); // [T, S]
        String allowed;
        String positionIds;
        if (kv) {
            String keep = g.op(s, "Cast", List.of("attention_mask"), "to", (long) OnnxDataType.BOOL.code());
            allowed = g.op(s, "And", List.of(causal, g.unsqueeze(s, keep, 1, 2, 3)));      // [B, 1, 1, T, S]
            positionIds = "position_ids";
        } else {
            allowed = g.unsqueeze(s, causal, 0, 1, 2);                                      // [1, 1, 1, T, S]
            positionIds = g.unsqueeze(s, queryPos, 0);                                       // [1, T]
        }
        RotaryTable table = RotaryTable.of(hd, c.maxPositions(), c.ropeTheta());
        long[] tableDims = {c.maxPositions(), hd};
        String cos = g.unsqueeze(s, g.op(s, "Gather", List.of(g.vector("rotary.cos", tableDims, table.cos()), positionIds)), 1);
        String sin = g.unsqueeze(s, g.op(s, "Gather", List.of(g.vector("rotary.sin", tableDims, table.sin()), positionIds)), 1);
        Rotary rotary = new Rotary(cos, sin, g.scalar("attention/masked", -Float.MAX_VALUE),
                g.scalar("attention/scale", (float) Math.sqrt(hd)), allowed, g.longs("rotary/zero", 0),
                g.longs("rotary/half", hd / 2), g.longs("rotary/full", hd), g.longs("rotary/last_axis", -1));

        String embedW = g.weight(LlamaTensorNames.EMBED, embed.shape(), embed.toFloats());
        used.add(LlamaTensorNames.EMBED);
        String x = g.op("embed", "Gather", List.of(embedW, "input_ids"));
        for (int i = 0; i < c.numLayers(); i++) {
            x = block(i, shapes.get(i), x, rotary);
        }
        String normed = rmsNorm("model.norm", x, LlamaTensorNames.FINAL_NORM);
        String headW;
        if (c.tieWordEmbeddings() || !ckpt.tensors().containsKey(LlamaTensorNames.LM_HEAD)) {
            if (!c.tieWordEmbeddings()) {
                throw new UserError("the config has untied word embeddings but there is no " + LlamaTensorNames.LM_HEAD);
            }
            headW = embedW;
            used.add(LlamaTensorNames.LM_HEAD); // a stored copy of the tied matrix is not needed
        } else {
            headW = weight(LlamaTensorNames.LM_HEAD, vocab, dim);
        }
        String wt = g.transpose("lm_head", headW, 1, 0);
        g.opNamed("logits", "MatMul", List.of(normed, wt));
        for (String name : ckpt.tensors().keySet()) {
            if (!used.contains(name)) {
                throw new UserError("cannot export to ONNX: the Llama graph has no place for tensor " + name);
            }
        }
        return g.build();
    }

    /**
     * What every attention layer shares: rotary rows, the masked score value, the score scale, the mask,
     * and the slice bounds of the two halves of a head ({@code [zero, half)}, {@code [half, full)} on the last axis).
     */
    private record Rotary(String cos, String sin, String masked, String scale, String allowed, String zero, String half,
            String full, String lastAxis) {}

    private String block(int i, LayerShape shape, String x, Rotary r) {
        String p = LlamaTensorNames.block(i);
        String h;
        if (shape.numHeads() == 0) {
            skip(LlamaTensorNames.inputNorm(i), p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj", p + "self_attn.o_proj.weight");
            String bias = bias(p + "self_attn.o_proj.bias", c.hiddenSize());
            h = bias == null ? x : g.op(p + "self_attn", "Add", List.of(x, bias));
        } else {
            h = g.op(p + "self_attn", "Add", List.of(x, attention(i, shape, rmsNorm(p + "input_layernorm", x, LlamaTensorNames.inputNorm(i)), r)));
        }
        if (shape.intermediateSize() == 0) {
            skip(LlamaTensorNames.postAttentionNorm(i), p + "mlp.gate_proj", p + "mlp.up_proj", p + "mlp.down_proj.weight");
            String bias = bias(p + "mlp.down_proj.bias", c.hiddenSize());
            return bias == null ? h : g.op(p + "mlp", "Add", List.of(h, bias));
        }
        return g.op(p + "mlp", "Add", List.of(h, mlp(i, shape, rmsNorm(p + "post_attention_layernorm", h, LlamaTensorNames.postAttentionNorm(i)))));
    }

    /**
     * Marks the tensors of a removed sublayer as accounted for: its norm weight and empty projections
     * (a name without {@code .weight}/{@code .bias} stands for both), which compute nothing.
     */
    private void skip(String... names) {
        for (String n : names) {
            if (n.endsWith(".weight") || n.endsWith(".bias")) {
                used.add(n);
            } else {
                used.add(n + ".weight");
                used.add(n + ".bias");
            }
        }
    }

    private String attention(int i, LayerShape shape, String x, Rotary r) {
        String s = LlamaTensorNames.block(i) + "self_attn";
        int hd = c.headDim();
        long heads = shape.numHeads();
        long kvHeads = shape.numKvHeads();
        long group = heads / kvHeads;
        long dim = c.hiddenSize();
        // [B, T, n·hd] → [B, n, T, hd]
        String q = g.transpose(s, g.reshape(s, projection(i, "self_attn.q_proj", heads * hd, dim, x), 0, 0, heads, hd), 0, 2, 1, 3);
        String k = g.transpose(s, g.reshape(s, projection(i, "self_attn.k_proj", kvHeads * hd, dim, x), 0, 0, kvHeads, hd), 0, 2, 1, 3);
        String v = g.transpose(s, g.reshape(s, projection(i, "self_attn.v_proj", kvHeads * hd, dim, x), 0, 0, kvHeads, hd), 0, 2, 1, 3);
        q = rotate(s, q, r);
        k = rotate(s, k, r);
        if (options.kvCache()) {
            List<String> pastNames = pastNames(i);
            List<String> presentNames = presentNames(i);
            for (String n : pastNames) {
                g.builder().input(n, OnnxDataType.FLOAT, BATCH, kvHeads, PAST, (long) hd);
            }
            for (String n : presentNames) {
                g.builder().output(n, OnnxDataType.FLOAT, BATCH, kvHeads, TOTAL, (long) hd);
            }
            k = g.opNamed(presentNames.get(0), "Concat", List.of(pastNames.get(0), k), "axis", 2L);
            v = g.opNamed(presentNames.get(1), "Concat", List.of(pastNames.get(1), v), "axis", 2L);
        }
        // grouped-query attention: key/value head j serves query heads j·group .. j·group+group-1
        String q5 = g.reshape(s, q, 0, kvHeads, group, -1, hd);            // [B, kv, group, T, hd]
        String k5 = g.transpose(s, g.unsqueeze(s, k, 2), 0, 1, 2, 4, 3);   // [B, kv, 1, hd, S]
        String v5 = g.unsqueeze(s, v, 2);                                   // [B, kv, 1, S, hd]
        String scores = g.op(s, "Div", List.of(g.op(s, "MatMul", List.of(q5, k5)), r.scale()));
        scores = g.op(s, "Where", List.of(r.allowed(), scores, r.masked()));
        String probs = g.op(s, "Softmax", List.of(scores), "axis", -1L);
        String out = g.op(s, "MatMul", List.of(probs, v5));                 // [B, kv, group, T, hd]
        out = g.transpose(s, g.reshape(s, out, 0, heads, -1, hd), 0, 2, 1, 3);
        out = g.reshape(s, out, 0, 0, heads * hd);
        return projection(i, "self_attn.o_proj", dim, heads * hd, out);
    }

    /** {@code x·cos + rotate_half(x)·sin} over the last axis, {@code rotate_half([x1, x2]) = [−x2, x1]}. */
    private String rotate(String s, String x, Rotary r) {
        String x1 = g.op(s, "Slice", List.of(x, r.zero(), r.half(), r.lastAxis()));
        String x2 = g.op(s, "Slice", List.of(x, r.half(), r.full(), r.lastAxis()));
        String rotated = g.op(s, "Concat", List.of(g.op(s, "Neg", List.of(x2)), x1), "axis", -1L);
        return g.op(s, "Add", List.of(g.op(s, "Mul", List.of(x, r.cos())), g.op(s, "Mul", List.of(rotated, r.sin()))));
    }

    private String mlp(int i, LayerShape shape, String x) {
        String s = LlamaTensorNames.block(i) + "mlp";
        long dim = c.hiddenSize();
        long inter = shape.intermediateSize();
        String gate = projection(i, "mlp.gate_proj", inter, dim, x);
        String up = projection(i, "mlp.up_proj", inter, dim, x);
        String silu = g.op(s, "Mul", List.of(gate, g.op(s, "Sigmoid", List.of(gate))));
        return projection(i, "mlp.down_proj", dim, inter, g.op(s, "Mul", List.of(silu, up)));
    }

    /** One of the block's linear layers, with its bias when the checkpoint has one. */
    private String projection(int i, String linear, long out, long in, String x) {
        String w = weight(LlamaTensorNames.linearWeight(i, linear), out, in);
        String b = bias(LlamaTensorNames.linearBias(i, linear), out);
        return g.linear(LlamaTensorNames.block(i) + linear, x, w, b);
    }

    /** {@code x / sqrt(mean(x²) + eps) · weight} over the last axis. */
    private String rmsNorm(String s, String x, String weightName) {
        TensorData w = tensor(weightName, c.hiddenSize());
        String weight = g.vector(weightName, w.shape(), w.toFloats());
        String ms = g.op(s, "ReduceMean", List.of(g.op(s, "Mul", List.of(x, x))), "axes", new long[] {-1}, "keepdims", 1L);
        String rms = g.op(s, "Sqrt", List.of(g.op(s, "Add", List.of(ms, g.scalar(s + "/eps", (float) c.rmsNormEps())))));
        return g.op(s, "Mul", List.of(g.op(s, "Div", List.of(x, rms)), weight));
    }

    private String weight(String name, long rows, long cols) {
        TensorData t = tensor(name, rows, cols);
        return g.weight(name, t.shape(), t.toFloats());
    }

    /** The float32 bias {@code name} of {@code size} values, or {@code null} when the checkpoint has none. */
    private String bias(String name, long size) {
        if (!ckpt.tensors().containsKey(name)) {
            return null;
        }
        TensorData t = tensor(name, size);
        return g.vector(name, t.shape(), t.toFloats());
    }

    /** The tensor {@code name}, checked to be floating point of the given shape ({@code -1}: any size). */
    private TensorData tensor(String name, long... dims) {
        TensorData t = ckpt.tensors().get(name);
        if (t == null) {
            throw new UserError("cannot export to ONNX: the model lacks " + name);
        }
        if (!t.dtype().isFloating()) {
            throw new UserError("cannot export to ONNX: " + name + " has dtype " + t.dtype() + ", expected a floating-point type");
        }
        long[] shape = t.shape();
        boolean ok = shape.length == dims.length;
        for (int k = 0; ok && k < dims.length; k++) {
            ok = dims[k] < 0 || dims[k] == shape[k];
        }
        if (!ok) {
            throw new UserError("cannot export to ONNX: " + name + " has shape " + java.util.Arrays.toString(shape) + ", expected "
                    + java.util.Arrays.toString(dims).replace("-1", "any"));
        }
        used.add(name);
        return t;
    }
}
