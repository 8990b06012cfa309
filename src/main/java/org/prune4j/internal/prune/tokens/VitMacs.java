package org.prune4j.internal.prune.tokens;

import org.prune4j.internal.model.vision.TransformerEncoderLayer;
import org.prune4j.internal.model.vision.VisionTransformer;

/**
 * Multiply-accumulates per image of a {@link VisionTransformer} forward pass with the given token counts:
 * the patch embedding, per layer the in-projection, the attention scores and their product with the values,
 * the output projection (at the layer's input tokens), the token reduction's own mixing (a
 * {@code [S', S]} by {@code [S, E]} product, when the count changes), the feed-forward part (at the reduced
 * tokens), and the classifier. Normalisations, softmax and element-wise operations are not counted.
 */
public final class VitMacs {
    private VitMacs() {}

    /** MACs of one image when layer {@code l} sees {@code tokensIn[l]} tokens and its feed-forward part {@code tokensAfter[l]}. */
    public static long perImage(VisionTransformer vit, int[] tokensIn, int[] tokensAfter) {
        var pos = vit.posEmbed().value().getShape();
        long e = pos.get(2);
        long patches = pos.get(1) - 1;
        var spec = vit.spec();
        long pixelsPerPatch = (long) spec.height() * spec.width() / patches;
        long macs = patches * e * spec.channels() * pixelsPerPatch;
        var layers = vit.layers();
        for (int l = 0; l < layers.size(); l++) {
            TransformerEncoderLayer layer = layers.get(l);
            long s = tokensIn[l];
            long after = tokensAfter[l];
            macs += 3 * e * e * s + 2 * s * s * e + e * e * s;
            if (after != s) {
                macs += after * s * e;
            }
            macs += 2 * e * layer.feedForwardWidth() * after;
        }
        macs += e * spec.numClasses();
        return macs;
    }
}
