package org.prune4j.internal.nn.graph;

import java.util.List;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/** {@link Linear}: OUT = weight rows and bias, IN = weight columns (features of the last axis). */
final class LinearPruner implements BoundaryPruner {
    static final LinearPruner INSTANCE = new LinearPruner();

    private LinearPruner() {}

    @Override
    public long width(Module module, Role role) {
        Linear l = (Linear) module;
        return role == Role.OUT ? l.outFeatures() : l.inFeatures();
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        Linear l = (Linear) module;
        return WeightAndBias.tensors(path, l.weight(), l.bias(), role);
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        Linear l = (Linear) module;
        WeightAndBias.keep(l.weight(), l.bias(), role, keep);
        return l;
    }
}
