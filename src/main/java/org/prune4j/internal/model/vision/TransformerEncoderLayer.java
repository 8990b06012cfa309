package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.prune4j.internal.nn.AttentionOutput;
import org.prune4j.internal.nn.Dropout;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.LayerNorm;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.MultiheadSelfAttention;

/**
 * PyTorch's {@code nn.TransformerEncoderLayer} with its defaults (post-norm, ReLU): {@code x = norm1(x +
 * dropout1(self_attn(x)))}, {@code x = norm2(x + dropout2(linear2(dropout(relu(linear1(x))))))}; same
 * child names, batch-first tokens {@code [N, S, E]}.
 */
public final class TransformerEncoderLayer extends Module {
    private MultiheadSelfAttention selfAttn;
    private Linear linear1;
    private final Dropout dropout;
    private Linear linear2;
    private LayerNorm norm1;
    private LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    TransformerEncoderLayer(NDManager manager, int dim, int heads, int mlpDim, float dropoutRate, Random rng) {
        Linear outProj = new Linear(Initializers.glorotUniform(manager, new Shape(dim, dim), rng),
                manager.zeros(new Shape(dim)));
        selfAttn = registerChild("self_attn", new MultiheadSelfAttention(
                Initializers.glorotUniform(manager, new Shape(3L * dim, dim), rng), manager.zeros(new Shape(3L * dim)),
                outProj, heads, dropoutRate));
        linear1 = registerChild("linear1", new Linear(Initializers.glorotUniform(manager, new Shape(mlpDim, dim), rng),
                manager.zeros(new Shape(mlpDim))));
        dropout = registerChild("dropout", new Dropout(dropoutRate));
        linear2 = registerChild("linear2", new Linear(Initializers.glorotUniform(manager, new Shape(dim, mlpDim), rng),
                manager.zeros(new Shape(dim))));
        norm1 = registerChild("norm1", LayerNorm.create(manager, dim));
        norm2 = registerChild("norm2", LayerNorm.create(manager, dim));
        dropout1 = registerChild("dropout1", new Dropout(dropoutRate));
        dropout2 = registerChild("dropout2", new Dropout(dropoutRate));
    }

    public NDArray forward(NDArray x) {
        NDArray h = norm1.forward(x.add(dropout1.forward(selfAttn.forward(x))));
        NDArray y = feedForward(h);
        fireHooks(x, y);
        return y;
    }

    /**
     * The layer with token reduction between its attention part and its feed-forward part: {@code h =
     * norm1(x + attn(x))}, {@code h' = reduce(h)}, {@code y = norm2(h' + ff(h'))}.
     */
    TokenState forward(TokenState x, int layer, int depth, TokenReduction reduction) {
        NDArray logSizes = null;
        if (reduction.proportionalAttention() && x.sizes() != null) {
            logSizes = x.tokens().getManager().create(x.sizes(), new Shape(x.batch(), x.length())).log();
        }
        AttentionOutput attention = selfAttn.attend(x.tokens(), logSizes, reduction.readsProbabilities(layer));
        NDArray h = norm1.forward(x.tokens().add(dropout1.forward(attention.output())));
        TokenState reduced = reduction.reduce(layer, depth, new TokenState(h, x.sizes()), attention);
        NDArray y = feedForward(reduced.tokens());
        fireHooks(x.tokens(), y);
        return new TokenState(y, reduced.sizes());
    }

    private NDArray feedForward(NDArray h) {
        NDArray ff = linear2.forward(dropout.forward(Functional.relu(linear1.forward(h))));
        return norm2.forward(h.add(dropout2.forward(ff)));
    }

    /** The attention module. */
    public MultiheadSelfAttention selfAttention() {
        return selfAttn;
    }

    /** Width of the feed-forward hidden layer. */
    public long feedForwardWidth() {
        return linear1.outFeatures();
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        switch (name) {
            case "self_attn" -> selfAttn = VisionModel.requireType(MultiheadSelfAttention.class, name, replacement);
            case "linear1" -> linear1 = VisionModel.requireType(Linear.class, name, replacement);
            case "linear2" -> linear2 = VisionModel.requireType(Linear.class, name, replacement);
            case "norm1" -> norm1 = VisionModel.requireType(LayerNorm.class, name, replacement);
            case "norm2" -> norm2 = VisionModel.requireType(LayerNorm.class, name, replacement);
            default -> throw new UnsupportedOperationException("cannot replace " + name);
        }
    }
}
