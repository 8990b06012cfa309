package org.prune4j.internal.nn.graph;

import java.util.function.IntFunction;
import org.prune4j.internal.nn.Parameter;

/**
 * A tensor that a group member touches: parameter {@code name} (dotted path in the model) is indexed along
 * {@code axis}, and the member's local index {@code i} covers the tensor indices {@code expand.apply(i)}
 * (one index for a channel; a head covers its rows in the query, key and value blocks).
 *
 * @param name dotted parameter path, e.g. {@code layer1.0.conv1.weight}
 * @param parameter the parameter
 * @param axis the axis the member's indices run along
 * @param expand member-local index → tensor indices along {@code axis}
 */
public record ParamAxis(String name, Parameter parameter, int axis, IntFunction<int[]> expand) {
    /** A tensor whose axis is indexed one-to-one by the member's indices. */
    static ParamAxis direct(String name, Parameter parameter, int axis) {
        return new ParamAxis(name, parameter, axis, i -> new int[] {i});
    }
}
