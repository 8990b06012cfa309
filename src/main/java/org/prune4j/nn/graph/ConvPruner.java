package org.prune4j.nn.graph;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.nn.Conv2d;
import org.prune4j.nn.Module;

/** {@link Conv2d} (groups = 1): OUT = weight rows and bias, IN = weight axis 1. */
final class ConvPruner implements LayerPruner {
    static final ConvPruner INSTANCE = new ConvPruner();

    private ConvPruner() {}

    @Override
    public TraceKind traceKind() {
        return TraceKind.BOUNDARY;
    }

    @Override
    public List<Role> roles() {
        return List.of(Role.OUT, Role.IN);
    }

    @Override
    public int inputAxis(NDArray input) {
        return 1;
    }

    @Override
    public int outputAxis(NDArray output) {
        return 1;
    }

    @Override
    public long width(Module module, Role role) {
        Conv2d c = (Conv2d) module;
        return role == Role.OUT ? c.outChannels() : c.inChannels();
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        Conv2d c = (Conv2d) module;
        List<ParamAxis> out = new ArrayList<>();
        if (role == Role.OUT) {
            out.add(ParamAxis.direct(LayerPruner.join(path, "weight"), c.weight(), 0));
            if (c.bias() != null) {
                out.add(ParamAxis.direct(LayerPruner.join(path, "bias"), c.bias(), 0));
            }
        } else {
            out.add(ParamAxis.direct(LayerPruner.join(path, "weight"), c.weight(), 1));
        }
        return out;
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        Conv2d c = (Conv2d) module;
        if (role == Role.OUT) {
            c.weight().setValue(AxisSelection.keep(c.weight().value(), 0, keep));
            if (c.bias() != null) {
                c.bias().setValue(AxisSelection.keep(c.bias().value(), 0, keep));
            }
        } else {
            c.weight().setValue(AxisSelection.keep(c.weight().value(), 1, keep));
        }
        return c;
    }
}
