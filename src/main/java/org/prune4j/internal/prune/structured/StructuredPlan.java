package org.prune4j.internal.prune.structured;

import java.util.Arrays;
import java.util.List;

/**
 * The outcome of a structured method, in the original numbering: what every layer keeps, and which
 * whole layers go.
 *
 * @param layers one plan per original layer
 * @param removedLayers original indices of the layers removed entirely, ascending
 */
public record StructuredPlan(List<LayerPlan> layers, int[] removedLayers) {

    public StructuredPlan {
        layers = List.copyOf(layers);
        removedLayers = removedLayers.clone();
        Arrays.sort(removedLayers);
        for (int r : removedLayers) {
            if (r < 0 || r >= layers.size()) {
                throw new IllegalArgumentException("removed layer " + r + " outside 0.." + (layers.size() - 1));
            }
        }
        if (removedLayers.length >= layers.size()) {
            throw new IllegalArgumentException("a plan must keep at least one layer");
        }
    }

    @Override
    public int[] removedLayers() {
        return removedLayers.clone();
    }

    /** True when original layer {@code i} is removed. */
    public boolean isRemoved(int i) {
        return Arrays.binarySearch(removedLayers, i) >= 0;
    }
}
