package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Embedding;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.nn.RMSNorm;

/**
 * A Llama-family causal language model on DJL, as a prune4j module tree with Hugging Face paths:
 * {@code model.embed_tokens}, {@code model.layers.<i>} ({@link DecoderBlock}), {@code model.norm},
 * {@code lm_head}.
 *
 * <pre>
 *   x      = embed_tokens(ids)                      [B, T, D]
 *   x      = layers[i](x)        for every block    (pre-norm attention + SwiGLU MLP, residuals)
 *   logits = lm_head(norm(x))                       [B, T, V]
 * </pre>
 *
 * <p>Weights are float32 in the manager given to {@link #load}. Each block's head count and MLP width come
 * from its tensors' shapes, so structurally pruned models (blocks of different sizes) load and run. With
 * tied embeddings {@code lm_head} is a {@link TiedLmHead} that owns no parameter; otherwise it is a
 * {@link Linear}.
 *
 * <p><b>Memory.</b> Every pass creates its results in the caller's scope manager and its intermediates in
 * short-lived sub-managers; nothing is added to the weights manager after loading.
 */
public final class LlamaModel extends Module {
    private final LlamaConfig config;
    private final NDManager manager;
    private final LlamaCheckpoint origin;
    private final LlamaBackbone model;
    private final Module lmHead;
    private final RotaryEmbedding rotary;

    private LlamaModel(LlamaConfig config, NDManager manager, LlamaCheckpoint origin, LlamaBackbone model,
            Module lmHead) {
        this.config = config;
        this.manager = manager;
        this.origin = origin;
        this.model = registerChild("model", model);
        this.lmHead = registerChild("lm_head", lmHead);
        this.rotary = new RotaryEmbedding(manager, config.headDim(), config.maxPositions(), config.ropeTheta());
    }

    /**
     * Builds the model from a checkpoint, converting every tensor to float32 arrays in {@code weights}
     * (copied, so the arrays are writable even when the checkpoint is memory-mapped).
     *
     * @throws UserError when a tensor is missing or has a shape that does not fit the others
     */
    public static LlamaModel load(LlamaCheckpoint ckpt, NDManager weights) {
        LlamaConfig c = ckpt.config();
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            blocks.add(loadBlock(ckpt, i, weights));
        }
        return assemble(ckpt, weights, blocks);
    }

    /**
     * Builds only the embedding, the final norm and the classifier, with no decoder block: the frame
     * that block-streaming code (which loads one {@link #loadBlock block} at a time) runs
     * {@link #embed} and {@link #head} on. {@link #logits} on a shell skips the blocks.
     */
    public static LlamaModel loadShell(LlamaCheckpoint ckpt, NDManager weights) {
        return assemble(ckpt, weights, List.of());
    }

    /**
     * Builds decoder block {@code i} from the checkpoint, its weights as float32 arrays in {@code weights}.
     * Head counts and MLP width come from the tensors' shapes.
     *
     * @throws UserError when a tensor is missing or has a shape that does not fit the others
     */
    public static DecoderBlock loadBlock(LlamaCheckpoint ckpt, int i, NDManager weights) {
        LlamaConfig c = ckpt.config();
        TensorReader r = new TensorReader(ckpt, weights);
        long d = c.hiddenSize();
        int hd = c.headDim();
        float eps = (float) c.rmsNormEps();
        long qRows = r.rows(LlamaTensorNames.linearWeight(i, "self_attn.q_proj"));
        long kvRows = r.rows(LlamaTensorNames.linearWeight(i, "self_attn.k_proj"));
        long inter = r.rows(LlamaTensorNames.linearWeight(i, "mlp.gate_proj"));
        boolean attentionRemoved = qRows == 0 && kvRows == 0;
        if (qRows % hd != 0 || kvRows % hd != 0
                || (!attentionRemoved && (qRows == 0 || kvRows == 0 || (qRows / hd) % (kvRows / hd) != 0))) {
            throw new UserError(r.where() + "block " + i + ": q_proj has " + qRows + " rows and k_proj " + kvRows
                    + ": not whole heads of " + hd + ", or query heads not a multiple of key/value heads");
        }
        Attention attn = new Attention(i, hd,
                r.linear(i, "self_attn.q_proj", qRows, d),
                r.linear(i, "self_attn.k_proj", kvRows, d),
                r.linear(i, "self_attn.v_proj", kvRows, d),
                r.linear(i, "self_attn.o_proj", d, qRows));
        Mlp mlp = new Mlp(
                r.linear(i, "mlp.gate_proj", inter, d),
                r.linear(i, "mlp.up_proj", inter, d),
                r.linear(i, "mlp.down_proj", d, inter));
        return new DecoderBlock(i,
                new RMSNorm(r.read(LlamaTensorNames.inputNorm(i), d), eps), attn,
                new RMSNorm(r.read(LlamaTensorNames.postAttentionNorm(i), d), eps), mlp);
    }

    private static LlamaModel assemble(LlamaCheckpoint ckpt, NDManager weights, List<DecoderBlock> blocks) {
        LlamaConfig c = ckpt.config();
        TensorReader r = new TensorReader(ckpt, weights);
        long d = c.hiddenSize();
        float eps = (float) c.rmsNormEps();
        Embedding embed = new Embedding(r.read(LlamaTensorNames.EMBED, c.vocabSize(), d));
        RMSNorm norm = new RMSNorm(r.read(LlamaTensorNames.FINAL_NORM, d), eps);
        LlamaBackbone backbone = new LlamaBackbone(embed, blocks, norm);
        boolean hasHead = ckpt.tensors().containsKey(LlamaTensorNames.LM_HEAD);
        Module head;
        if (c.tieWordEmbeddings() || !hasHead) {
            if (!c.tieWordEmbeddings()) {
                throw new UserError(r.where() + "the config has untied word embeddings but there is no "
                        + LlamaTensorNames.LM_HEAD);
            }
            head = new TiedLmHead(embed);
        } else {
            head = new Linear(r.read(LlamaTensorNames.LM_HEAD, c.vocabSize(), d), null);
        }
        return new LlamaModel(c, weights, ckpt, backbone, head);
    }

    /** The configuration the model was loaded with (per-block sizes may differ: see {@link #toCheckpoint()}). */
    public LlamaConfig config() {
        return config;
    }

    /** The manager that owns the weights. */
    public NDManager manager() {
        return manager;
    }

    /** The decoder stack ({@code model}). */
    public LlamaBackbone backbone() {
        return model;
    }

    /** The decoder blocks in order. */
    public List<DecoderBlock> blocks() {
        return model.layers();
    }

    /** The classifier: a {@link TiedLmHead} when embeddings are tied, else a {@link Linear}. */
    public Module lmHead() {
        return lmHead;
    }

    /** True when {@code lm_head} reuses the token embedding matrix. */
    public boolean tiedEmbeddings() {
        return lmHead instanceof TiedLmHead;
    }

    RotaryEmbedding rotary() {
        return rotary;
    }

    /**
     * Token embeddings of {@code ids} (integer {@code [B, T]}) as {@code [B, T, D]} float32 in {@code scope}.
     *
     * @throws UserError when an id is outside the vocabulary
     */
    public NDArray embed(NDManager scope, NDArray ids) {
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("ids must be [batch, seqLen], got " + ids.getShape());
        }
        checkIds(scope, ids);
        return model.embedTokens().forward(scope, ids);
    }

    private void checkIds(NDManager scope, NDArray ids) {
        if (!ids.getDataType().isInteger()) {
            throw new IllegalArgumentException("token ids must be integers, got " + ids.getDataType());
        }
        long vocab = model.embedTokens().vocabSize();
        try (NDManager tmp = scope.newSubManager()) {
            NDArray l = ids.toType(DataType.INT64, true);
            l.attach(tmp);
            long max = l.max().getLong();
            long min = l.min().getLong();
            if (min < 0 || max >= vocab) {
                throw new UserError("token id " + (min < 0 ? min : max) + " is outside the vocabulary of " + vocab
                        + " tokens");
            }
        }
    }

    /** Final norm and classifier: hidden {@code [B, T, D]} → logits {@code [B, T, V]}, in hidden's manager. */
    public NDArray head(NDArray hidden) {
        NDManager owner = hidden.getManager();
        try (NDManager pass = owner.newSubManager()) {
            hidden.tempAttach(pass);
            NDArray normed = model.norm().forward(hidden);
            NDArray logits = switch (lmHead) {
                case TiedLmHead tied -> tied.forward(normed);
                case Linear linear -> linear.forward(normed);
                default -> throw new IllegalStateException("unsupported lm_head " + lmHead.getClass().getSimpleName());
            };
            logits.attach(owner);
            return logits;
        }
    }

    /**
     * The whole forward pass with a fresh causal context: ids {@code [B, T]} → logits {@code [B, T, V]}
     * in {@code scope}. Each row is independent and uses positions {@code 0..T-1}. Hooks on the model see
     * the ids and the logits.
     *
     * @throws UserError when an id is outside the vocabulary or {@code T} exceeds the context length
     */
    public NDArray logits(NDManager scope, NDArray ids) {
        int seqLen = Math.toIntExact(ids.getShape().get(ids.getShape().dimension() - 1));
        AttentionContext ctx = AttentionContext.causal(this, scope, seqLen);
        NDArray logits = runBlocks(embed(scope, ids), ctx);
        fireHooks(ids, logits);
        return logits;
    }

    private NDArray runBlocks(NDArray hidden, AttentionContext ctx) {
        for (DecoderBlock block : blocks()) {
            NDArray next = block.forward(hidden, ctx);
            hidden.close();
            hidden = next;
        }
        NDArray logits = head(hidden);
        hidden.close();
        return logits;
    }

    /**
     * Runs {@code tokens} at positions {@code start..start+n-1} of one sequence against {@code cache}
     * (which must hold positions {@code 0..start-1}) and returns their logits {@code [n, V]} in {@code scope}.
     */
    public NDArray decode(NDManager scope, int[] tokens, int start, KvCache cache) {
        long vocab = model.embedTokens().vocabSize();
        for (int t : tokens) {
            if (t < 0 || t >= vocab) {
                throw new UserError("token id " + t + " is outside the vocabulary of " + vocab + " tokens");
            }
        }
        NDArray ids = scope.create(tokens, new Shape(1, tokens.length));
        AttentionContext ctx = AttentionContext.cached(this, scope, start, tokens.length, cache);
        NDArray logits = runBlocks(model.embedTokens().forward(scope, ids), ctx);
        return logits.reshape(tokens.length, logits.getShape().get(2));
    }

    /**
     * One step of incremental decoding: the logits {@code [V]} after {@code token} at {@code position},
     * with the keys and values of positions {@code 0..position-1} taken from {@code cache} and this
     * position's appended to it.
     */
    public NDArray decodeStep(NDManager scope, int token, int position, KvCache cache) {
        return decode(scope, new int[] {token}, position, cache).reshape(-1);
    }

    /**
     * The current weights as a checkpoint: float32 tensors under the canonical names with their current
     * shapes (pruned blocks keep their smaller shapes). The config's per-block sizes are those of the
     * blocks when all blocks agree, else the loaded config's.
     */
    public LlamaCheckpoint toCheckpoint() {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            tensors.put(e.getKey(), TensorData.of(e.getValue().value()));
        }
        List<DecoderBlock> bs = blocks();
        int heads = uniform(bs.stream().mapToInt(b -> b.selfAttn().numHeads()).toArray(), config.numHeads());
        int kvHeads = uniform(bs.stream().mapToInt(b -> b.selfAttn().numKvHeads()).toArray(), config.numKvHeads());
        int inter = uniform(bs.stream().mapToInt(b -> b.mlp().intermediateSize()).toArray(), config.intermediateSize());
        if (inter == 0) {
            inter = config.intermediateSize();
        }
        boolean bias = tensors.keySet().stream().anyMatch(n -> n.endsWith("q_proj.bias"));
        if (heads == 0 || kvHeads == 0 || heads % kvHeads != 0) {
            heads = config.numHeads();
            kvHeads = config.numKvHeads();
        }
        LlamaConfig c = new LlamaConfig(config.architecture(), config.hiddenSize(), inter, bs.size(), heads, kvHeads,
                config.headDim(), config.vocabSize(), config.maxPositions(), config.ropeTheta(), config.rmsNormEps(),
                tiedEmbeddings(), bias, config.bosTokenId(), config.eosTokenId());
        return new LlamaCheckpoint(c, tensors, origin.format(), origin.source(), origin.tokenizer());
    }

    private static int uniform(int[] values, int fallback) {
        return Arrays.stream(values).distinct().count() == 1 ? values[0] : fallback;
    }

    /** Reads checkpoint tensors as float32 arrays, checking their shapes. */
    private static final class TensorReader {
        private final LlamaCheckpoint ckpt;
        private final NDManager manager;

        TensorReader(LlamaCheckpoint ckpt, NDManager manager) {
            this.ckpt = ckpt;
            this.manager = manager;
        }

        String where() {
            return ckpt.source() == null ? "" : ckpt.source() + ": ";
        }

        TensorData get(String name) {
            TensorData t = ckpt.tensors().get(name);
            if (t == null) {
                throw new UserError(where() + "missing tensor " + name);
            }
            if (!t.dtype().isFloating()) {
                throw new UserError(where() + name + " has dtype " + t.dtype() + ", expected a floating-point type");
            }
            return t;
        }

        long rows(String name) {
            long[] s = get(name).shape();
            if (s.length != 2) {
                throw new UserError(where() + name + " has shape " + Arrays.toString(s) + ", expected a matrix");
            }
            return s[0];
        }

        NDArray read(String name, long... shape) {
            TensorData t = get(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new UserError(where() + name + " has shape " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(shape));
            }
            return manager.create(t.toFloats(), new Shape(shape));
        }

        Linear linear(int block, String linear, long out, long in) {
            NDArray w = read(LlamaTensorNames.linearWeight(block, linear), out, in);
            String biasName = LlamaTensorNames.linearBias(block, linear);
            NDArray b = ckpt.tensors().containsKey(biasName) ? read(biasName, out) : null;
            return new Linear(w, b);
        }
    }
}
