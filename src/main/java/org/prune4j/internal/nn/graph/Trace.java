package org.prune4j.internal.nn.graph;

import java.util.List;
import java.util.Map;

/**
 * What one traced forward pass found: for every consumer input index, the producer channels that reach it
 * through channel-preserving operations only.
 *
 * @param layers the known layers in module order
 * @param producers the layers whose OUT dimension starts channels (indices into {@code layers})
 * @param sources per consumer layer path, per input index {@code j}: pairs {@code (producer, channel)}
 *     flattened as {@code [p0, c0, p1, c1, ...]}
 * @param pinned per producer (index into {@code producers}), why its channels must stay
 * @param touched per consumer layer path, the input indices reached by a tensor no pruner knows, with the
 *     tensor's name
 */
record Trace(List<Layer> layers, List<Integer> producers, Map<String, int[][]> sources, Map<Integer, String> pinned,
        Map<String, Map<Integer, String>> touched) {}
