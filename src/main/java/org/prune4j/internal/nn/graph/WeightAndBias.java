package org.prune4j.internal.nn.graph;

import java.util.ArrayList;
import java.util.List;
import org.prune4j.internal.nn.Parameter;

/**
 * The tensors of a layer with a weight {@code [out, in, ...]} and an optional bias {@code [out]} (Conv2d,
 * Linear; a norm's weight and bias are its rows): rows are the weight's axis 0 with the bias, columns the
 * weight's axis 1. Lists the tensors a dimension touches and keeps only some indices of it.
 */
final class WeightAndBias {
    private WeightAndBias() {}

    /** The tensors of dimension {@code role}: OUT = weight rows and bias, IN = weight axis 1. */
    static List<ParamAxis> tensors(String path, Parameter weight, Parameter bias, Role role) {
        List<ParamAxis> out = new ArrayList<>();
        if (role == Role.OUT) {
            out.add(ParamAxis.direct(LayerPruner.join(path, "weight"), weight, 0));
            if (bias != null) {
                out.add(ParamAxis.direct(LayerPruner.join(path, "bias"), bias, 0));
            }
        } else {
            out.add(ParamAxis.direct(LayerPruner.join(path, "weight"), weight, 1));
        }
        return out;
    }

    /** Keeps indices {@code keep} of dimension {@code role} in place: OUT = weight rows and bias, IN = weight axis 1. */
    static void keep(Parameter weight, Parameter bias, Role role, int[] keep) {
        if (role == Role.OUT) {
            weight.setValue(AxisSelection.keep(weight.value(), 0, keep));
            if (bias != null) {
                bias.setValue(AxisSelection.keep(bias.value(), 0, keep));
            }
        } else {
            weight.setValue(AxisSelection.keep(weight.value(), 1, keep));
        }
    }
}
