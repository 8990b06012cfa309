package org.prune4j.internal.nn.graph;

import java.util.List;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.Module;

/** {@link BatchNorm2d}: one role, IN = its channels (affine parameters and running statistics). */
final class BatchNormPruner implements ChannelsFirstPruner {
    static final BatchNormPruner INSTANCE = new BatchNormPruner();

    private BatchNormPruner() {}

    @Override
    public TraceKind traceKind() {
        return TraceKind.CHANNELWISE;
    }

    @Override
    public List<Role> roles() {
        return List.of(Role.IN);
    }

    @Override
    public long width(Module module, Role role) {
        return ((BatchNorm2d) module).channels();
    }

    @Override
    public List<ParamAxis> tensors(String path, Module module, Role role) {
        BatchNorm2d b = (BatchNorm2d) module;
        return WeightAndBias.tensors(path, b.weight(), b.bias(), Role.OUT);
    }

    @Override
    public Module prune(Module module, Role role, int[] keep) {
        BatchNorm2d b = (BatchNorm2d) module;
        return new BatchNorm2d(AxisSelection.keep(b.weight().value(), 0, keep),
                AxisSelection.keep(b.bias().value(), 0, keep), AxisSelection.keep(b.runningMean(), 0, keep),
                AxisSelection.keep(b.runningVar(), 0, keep), b.eps(), b.momentum());
    }
}
