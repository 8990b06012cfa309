package org.prune4j.internal.nn.graph;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Optional;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.LayerNorm;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.MultiheadSelfAttention;

/**
 * What structural pruning knows about one layer type (as Torch-Pruning's per-layer pruners): which of its
 * dimensions can be pruned, which tensors each touches, how probes travel through it, and how to remove
 * indices for real. The dependency graph itself is found by tracing, not written per model.
 */
sealed interface LayerPruner permits BoundaryPruner, ChannelsFirstPruner, LayerNormPruner, AttentionPruner {

    /** The pruner for {@code module}'s type, or empty for a layer that structural pruning does not know. */
    static Optional<LayerPruner> of(Module module) {
        return Optional.ofNullable(switch (module) {
            case Conv2d c when c.groups() == 1 -> ConvPruner.INSTANCE;
            case Linear l -> LinearPruner.INSTANCE;
            case BatchNorm2d b -> BatchNormPruner.INSTANCE;
            case LayerNorm n -> LayerNormPruner.INSTANCE;
            case MultiheadSelfAttention a -> AttentionPruner.INSTANCE;
            case ChannelShortcut s -> ShortcutPruner.INSTANCE;
            default -> null;
        });
    }

    /** How probes travel through the layer. */
    TraceKind traceKind();

    /** The roles this layer can hold in a group; a {@link TraceKind#BOUNDARY} layer has OUT and IN. */
    List<Role> roles();

    /** The channel axis of the layer's input tensor (the axis its IN role indexes). */
    default int inputAxis(NDArray input) {
        return input.getShape().dimension() - 1;
    }

    /** The channel axis of the layer's output tensor (the axis its OUT role indexes). */
    default int outputAxis(NDArray output) {
        return output.getShape().dimension() - 1;
    }

    /** The size of dimension {@code role}. */
    long width(Module module, Role role);

    /** The tensors {@code role} touches; {@code path} is the module's dotted path ("" for the root). */
    List<ParamAxis> tensors(String path, Module module, Role role);

    /**
     * Keeps only indices {@code keep} (ascending) of dimension {@code role}; the returned module is
     * {@code module} itself (changed in place) or a replacement that the caller puts in its place.
     */
    Module prune(Module module, Role role, int[] keep);

    /** {@code prefix + name}, with no dot for the root module. */
    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
