package org.prune4j.internal.nn.graph;

/** How a layer treats the channel probes of the {@link ChannelTracer}. */
enum TraceKind {
    /** Mixes channels (convolution, linear, attention, channel shortcut): ends a probe and starts its own. */
    BOUNDARY,
    /** Acts on each channel alone (batch norm): probes pass through. */
    CHANNELWISE,
    /** Keeps the channel index but mixes values across channels (layer norm): probes are re-injected. */
    NORMALISING
}
