package org.prune4j.internal.prune.onnx;

import java.util.List;

/** A change to the graph that removing channels requires, recorded while the groups are built. */
sealed interface Edit {
    /** The layouts whose spaces the edit depends on. */
    List<Layout> layouts();

    /**
     * Keep only the kept positions of constant input {@code input} of node {@code node} along {@code axis}.
     * {@code activation}/{@code activationAxis}: for a weight slice on its input-channel axis, the tensor
     * that feeds those channels (for activation-aware scores), else {@code null}.
     */
    record SliceConstant(int node, int input, String tensor, int axis, Layout layout, String activation,
            int activationAxis) implements Edit {
        @Override
        public List<Layout> layouts() {
            return List.of(layout);
        }
    }

    /** Rewrite element {@code axis} of the target shape of Reshape node {@code node}. */
    record ReshapeDim(int node, int axis, Layout layout) implements Edit {
        @Override
        public List<Layout> layouts() {
            return List.of(layout);
        }
    }

    /** Rewrite the {@code group} attribute of a depthwise Conv to its new channel count. */
    record ConvGroups(int node, Layout layout) implements Edit {
        @Override
        public List<Layout> layouts() {
            return List.of(layout);
        }
    }

    /** Rewrite the split sizes of Split node {@code node} (one layout per output along the split axis). */
    record SplitSizes(int node, List<Layout> outputs) implements Edit {
        @Override
        public List<Layout> layouts() {
            return outputs;
        }
    }

    /**
     * Concat node {@code node} pads its one non-zero input {@code input} with zero blocks along {@code axis}:
     * output position {@code p + offset} copies input position {@code p}, every other output position is
     * zero. An index map, not a coupling: the input's and the output's channels are pruned independently
     * and the node becomes a {@code Gather} of the kept input channels and a zero channel.
     */
    record ZeroPadMap(int node, int input, int axis, long offset, Layout source, Layout output) implements Edit {
        @Override
        public List<Layout> layouts() {
            return List.of(source, output);
        }
    }
}
