package org.prune4j.internal.nn.graph;

import java.util.List;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.Module;

/** {@link Conv2d} (groups = 1): OUT = weight rows and bias, IN = weight axis 1. */
final class ConvPruner implements BoundaryPruner, ChannelsFirstPruner {
    static final ConvPruner INSTANCE = new ConvPruner();

    private ConvPruner() {}

    @Override
    public long width(Module module, Role role) {
        Conv2d c = (Conv2d) module;
        return role == Role.OUT ? c.outChannels() : c.inChannels();
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        Conv2d c = (Conv2d) module;
        return WeightAndBias.tensors(path, c.weight(), c.bias(), role);
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        Conv2d c = (Conv2d) module;
        WeightAndBias.keep(c.weight(), c.bias(), role, keep);
        return c;
    }
}
