package org.prune4j.internal.nn.graph;

import java.util.List;

/**
 * A layer whose output channels and input channels are separate dimensions (Conv2d, Linear, a channel
 * shortcut): probes stop at it, and it holds an OUT and an IN role.
 */
sealed interface BoundaryPruner extends LayerPruner permits ConvPruner, LinearPruner, ShortcutPruner {
    @Override
    default TraceKind traceKind() {
        return TraceKind.BOUNDARY;
    }

    @Override
    default List<Role> roles() {
        return List.of(Role.OUT, Role.IN);
    }
}
