package org.prune4j.nn.graph;

import java.util.List;
import org.prune4j.nn.LayerNorm;
import org.prune4j.nn.Module;

/** {@link LayerNorm}: one role, IN = the normalised features (weight and bias). */
final class LayerNormPruner implements LayerPruner {
    static final LayerNormPruner INSTANCE = new LayerNormPruner();

    private LayerNormPruner() {}

    @Override
    public TraceKind traceKind() {
        return TraceKind.NORMALISING;
    }

    @Override
    public List<Role> roles() {
        return List.of(Role.IN);
    }

    @Override
    public long width(Module module, Role role) {
        return ((LayerNorm) module).weight().value().getShape().get(0);
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        LayerNorm n = (LayerNorm) module;
        return List.of(ParamAxis.direct(LayerPruner.join(path, "weight"), n.weight(), 0),
                ParamAxis.direct(LayerPruner.join(path, "bias"), n.bias(), 0));
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        LayerNorm n = (LayerNorm) module;
        n.weight().setValue(AxisSelection.keep(n.weight().value(), 0, keep));
        n.bias().setValue(AxisSelection.keep(n.bias().value(), 0, keep));
        return n;
    }
}
