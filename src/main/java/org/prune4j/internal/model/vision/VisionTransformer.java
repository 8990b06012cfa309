package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.Dropout;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.LayerNorm;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.ModuleList;
import org.prune4j.internal.nn.Parameter;

/**
 * A small Vision Transformer for 32×32 images, with the architecture and tensor names of the
 * "vit-cifar10-tiny" checkpoint (a student project trained from scratch on CIFAR-10):
 * {@code patch_embed.proj} (4×4 convolution, stride 4, 3→128: 64 patch tokens), a learned {@code cls_token}
 * prepended, learned {@code pos_embed} [1, 65, 128] added, dropout, 6 post-norm {@link
 * TransformerEncoderLayer}s ({@code transformer.layers.i}: 8 heads, feed-forward 256, ReLU, dropout 0.1),
 * and {@code mlp_head} = LayerNorm → Linear(128, 10) on the CLS token. 811,146 parameters.
 */
public final class VisionTransformer extends VisionModel {
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final PatchEmbedding patchEmbed;
    private final Dropout dropout;
    private final Encoder transformer;
    private final Head mlpHead;

    VisionTransformer(VisionSpec spec, int patch, int dim, int depth, int heads, int mlpDim, float dropoutRate,
            NDManager manager, Random rng) {
        super(spec);
        int patches = (spec.height() / patch) * (spec.width() / patch);
        clsToken = registerParameter("cls_token", Initializers.truncatedNormal(manager, new Shape(1, 1, dim), 0.02, rng));
        posEmbed = registerParameter("pos_embed",
                Initializers.truncatedNormal(manager, new Shape(1, patches + 1, dim), 0.02, rng));
        long fanIn = (long) spec.channels() * patch * patch;
        patchEmbed = registerChild("patch_embed", new PatchEmbedding(new Conv2d(
                Initializers.torchDefault(manager, new Shape(dim, spec.channels(), patch, patch), fanIn, rng),
                Initializers.torchDefault(manager, new Shape(dim), fanIn, rng), patch, 0, 1)));
        dropout = registerChild("dropout", new Dropout(dropoutRate));
        List<TransformerEncoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            layers.add(new TransformerEncoderLayer(manager, dim, heads, mlpDim, dropoutRate, rng));
        }
        transformer = registerChild("transformer", new Encoder(new ModuleList<>(layers)));
        mlpHead = registerChild("mlp_head", new Head(LayerNorm.create(manager, dim),
                new Linear(Initializers.glorotUniform(manager, new Shape(spec.numClasses(), dim), rng),
                        manager.zeros(new Shape(spec.numClasses())))));
    }

    public Parameter clsToken() {
        return clsToken;
    }

    public Parameter posEmbed() {
        return posEmbed;
    }

    /** The encoder layers, in order. */
    public List<TransformerEncoderLayer> layers() {
        return transformer.layers.items();
    }

    @Override
    public NDArray forward(NDArray images) {
        checkInput(images);
        NDArray x = embed(images);
        for (TransformerEncoderLayer layer : transformer.layers.items()) {
            x = layer.forward(x);
        }
        NDArray clsOut = x.get(":, 0, :");
        return mlpHead.linear.forward(mlpHead.norm.forward(clsOut));
    }

    /**
     * Logits with inference-time token reduction between the attention and the feed-forward part of every
     * encoder layer, and the number of tokens each layer saw.
     */
    public TokenTrace forward(NDArray images, TokenReduction reduction) {
        checkInput(images);
        NDArray x = embed(images);
        List<TransformerEncoderLayer> layers = transformer.layers.items();
        int depth = layers.size();
        int[] tokensIn = new int[depth];
        int[] tokensAfter = new int[depth];
        TokenState state = new TokenState(x, null);
        for (int i = 0; i < depth; i++) {
            tokensIn[i] = state.length();
            state = layers.get(i).forward(state, i, depth, reduction);
            tokensAfter[i] = state.length();
        }
        NDArray clsOut = state.tokens().get(":, 0, :");
        return new TokenTrace(mlpHead.linear.forward(mlpHead.norm.forward(clsOut)), tokensIn, tokensAfter);
    }

    /** Patch tokens with the class token prepended and the position embedding added: {@code [N, 1 + P, E]}. */
    private NDArray embed(NDArray images) {
        NDArray x = patchEmbed.forward(images); // [N, P, E]
        Shape s = x.getShape();
        NDArray cls = x.getManager().zeros(new Shape(s.get(0), 1, s.get(2))).add(clsToken.value());
        x = NDArrays.concat(new NDList(cls, x), 1).add(posEmbed.value());
        return dropout.forward(x);
    }

    /** {@code patch_embed}: the patchifying convolution {@code proj}, flattened to tokens {@code [N, P, E]}. */
    static final class PatchEmbedding extends Module {
        private Conv2d proj;

        PatchEmbedding(Conv2d proj) {
            this.proj = registerChild("proj", proj);
        }

        NDArray forward(NDArray images) {
            NDArray y = proj.forward(images); // [N, E, h, w]
            Shape s = y.getShape();
            NDArray tokens = y.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
            fireHooks(images, tokens);
            return tokens;
        }

        @Override
        protected void onChildReplaced(String name, Module replacement) {
            proj = requireType(Conv2d.class, name, replacement);
        }
    }

    /** {@code transformer}: holds {@code layers}. */
    static final class Encoder extends Module {
        private final ModuleList<TransformerEncoderLayer> layers;

        Encoder(ModuleList<TransformerEncoderLayer> layers) {
            this.layers = registerChild("layers", layers);
        }
    }

    /** {@code mlp_head}: {@code 0} = LayerNorm, {@code 1} = Linear. */
    static final class Head extends Module {
        private LayerNorm norm;
        private Linear linear;

        Head(LayerNorm norm, Linear linear) {
            this.norm = registerChild("0", norm);
            this.linear = registerChild("1", linear);
        }

        @Override
        protected void onChildReplaced(String name, Module replacement) {
            if (name.equals("0")) {
                norm = requireType(LayerNorm.class, name, replacement);
            } else {
                linear = requireType(Linear.class, name, replacement);
            }
        }
    }
}
