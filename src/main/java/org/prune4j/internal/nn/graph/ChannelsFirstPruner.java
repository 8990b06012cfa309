package org.prune4j.internal.nn.graph;

import ai.djl.ndarray.NDArray;

/** A layer over {@code [N, C, ...]} tensors (Conv2d, BatchNorm2d, a channel shortcut): channels are axis 1 in and out. */
sealed interface ChannelsFirstPruner extends LayerPruner permits ConvPruner, BatchNormPruner, ShortcutPruner {
    @Override
    default int inputAxis(NDArray input) {
        return 1;
    }

    @Override
    default int outputAxis(NDArray output) {
        return 1;
    }
}
