package org.prune4j.internal.nn.graph;

import java.util.List;
import org.prune4j.internal.nn.LayerNorm;
import org.prune4j.internal.nn.Module;

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
        return WeightAndBias.tensors(path, n.weight(), n.bias(), Role.OUT);
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        LayerNorm n = (LayerNorm) module;
        WeightAndBias.keep(n.weight(), n.bias(), Role.OUT, keep);
        return n;
    }
}
