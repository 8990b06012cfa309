package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.nn.Module;

/**
 * An image classifier: {@code forward(images [N, C, H, W])} → logits {@code [N, classes]}, computed in the
 * manager of the input (run it inside a sub-manager and close that). Parameter and buffer names follow the
 * PyTorch reference implementations, so state dicts load by name ({@code
 * org.prune4j.internal.io.pytorch.StateDicts#load}).
 */
public abstract class VisionModel extends Module {
    private final VisionSpec spec;

    protected VisionModel(VisionSpec spec) {
        this.spec = spec;
    }

    /** The architecture's description: input size, classes, normalisation. */
    public final VisionSpec spec() {
        return spec;
    }

    /** Logits {@code [N, classes]} for normalised images {@code [N, C, H, W]}. */
    public abstract NDArray forward(NDArray images);

    /** Checks the input shape against the spec; a mismatch is an {@link IllegalArgumentException}. */
    protected final void checkInput(NDArray images) {
        var s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != spec.channels() || s.get(2) != spec.height()
                || s.get(3) != spec.width()) {
            throw new IllegalArgumentException(spec.name() + " expects images [N, " + spec.channels() + ", "
                    + spec.height() + ", " + spec.width() + "], got " + s);
        }
    }

    /** Casts a replacement child to the type of the one it replaces. */
    protected static <T extends Module> T requireType(Class<T> type, String name, Module replacement) {
        if (!type.isInstance(replacement)) {
            throw new IllegalArgumentException(name + " must be replaced by a " + type.getSimpleName() + ", not a "
                    + replacement.getClass().getSimpleName());
        }
        return type.cast(replacement);
    }
}
