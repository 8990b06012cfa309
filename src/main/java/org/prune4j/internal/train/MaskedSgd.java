package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SGD with momentum, Nesterov and L2 weight decay that keeps masked entries (and their momentum) at zero. */
final class MaskedSgd implements Optimizer {
    private final OptimizerSettings.Sgd settings;
    private final NDManager state;
    private final Map<String, NDArray> momentum = new HashMap<>();

    MaskedSgd(OptimizerSettings.Sgd settings, NDManager parent) {
        this.settings = settings;
        this.state = parent.newSubManager();
    }

    @Override
    public void step(List<GradientUpdate> updates, double lr, NDManager scope) {
        for (GradientUpdate u : updates) {
            NDArray w = u.parameter().value();
            NDArray mask = u.parameter().mask();
            NDArray d = Scoped.of(scope, u.gradient().duplicate());
            if (mask != null) {
                d.muli(mask);
            }
            if (settings.weightDecay() > 0) {
                d.addi(Scoped.of(scope, w.mul(settings.weightDecay())));
            }
            NDArray step = d;
            if (settings.momentum() > 0) {
                NDArray buf = momentum.get(u.name());
                if (buf == null || !buf.getShape().equals(w.getShape())) {
                    buf = d.duplicate();
                    buf.attach(state);
                    momentum.put(u.name(), buf);
                } else {
                    buf.muli(settings.momentum()).addi(d);
                }
                if (mask != null) {
                    buf.muli(mask);
                }
                step = settings.nesterov() ? d.addi(Scoped.of(scope, buf.mul(settings.momentum()))) : buf;
            }
            w.subi(Scoped.of(scope, step.mul(lr)));
            u.parameter().applyMask();
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
