package org.prune4j.nn.graph;

import java.util.ArrayList;
import java.util.List;
import org.prune4j.nn.Linear;
import org.prune4j.nn.Module;

/** {@link Linear}: OUT = weight rows and bias, IN = weight columns (features of the last axis). */
final class LinearPruner implements LayerPruner {
    static final LinearPruner INSTANCE = new LinearPruner();

    private LinearPruner() {}

    @Override
    public TraceKind traceKind() {
        return TraceKind.BOUNDARY;
    }

    @Override
    public List<Role> roles() {
        return List.of(Role.OUT, Role.IN);
    }

    @Override
    public long width(Module module, Role role) {
        Linear l = (Linear) module;
        return role == Role.OUT ? l.outFeatures() : l.inFeatures();
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        Linear l = (Linear) module;
        List<ParamAxis> out = new ArrayList<>();
        if (role == Role.OUT) {
            out.add(ParamAxis.direct(LayerPruner.join(path, "weight"), l.weight(), 0));
            if (l.bias() != null) {
                out.add(ParamAxis.direct(LayerPruner.join(path, "bias"), l.bias(), 0));
            }
        } else {
            out.add(ParamAxis.direct(LayerPruner.join(path, "weight"), l.weight(), 1));
        }
        return out;
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        Linear l = (Linear) module;
        if (role == Role.OUT) {
            l.weight().setValue(AxisSelection.keep(l.weight().value(), 0, keep));
            if (l.bias() != null) {
                l.bias().setValue(AxisSelection.keep(l.bias().value(), 0, keep));
            }
        } else {
            l.weight().setValue(AxisSelection.keep(l.weight().value(), 1, keep));
        }
        return l;
    }
}
