package org.prune4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Adam / AdamW with bias correction that keeps masked entries and their moment estimates at zero. */
final class MaskedAdam implements Optimizer {
    private final OptimizerSettings.Adam settings;
    private final NDManager state;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private long t;

    MaskedAdam(OptimizerSettings.Adam settings, NDManager parent) {
        this.settings = settings;
        this.state = parent.newSubManager();
    }

    @Override
    public void step(List<GradientUpdate> updates, double lr, NDManager scope) {
        t++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        for (GradientUpdate u : updates) {
            NDArray w = u.parameter().value();
            NDArray mask = u.parameter().mask();
            NDArray d = Scoped.of(scope, u.gradient().duplicate());
            if (mask != null) {
                d.muli(mask);
            }
            if (settings.weightDecay() > 0) {
                if (settings.decoupledWeightDecay()) {
                    w.muli(1 - lr * settings.weightDecay());
                } else {
                    d.addi(Scoped.of(scope, w.mul(settings.weightDecay())));
                }
            }
            NDArray[] mv = moments.get(u.name());
            if (mv == null || !mv[0].getShape().equals(w.getShape())) {
                mv = new NDArray[] {state.zeros(w.getShape(), w.getDataType()), state.zeros(w.getShape(), w.getDataType())};
                moments.put(u.name(), mv);
            }
            NDArray m = mv[0];
            NDArray v = mv[1];
            m.muli(b1).addi(d.mul(1 - b1));
            v.muli(b2).addi(d.square().muli(1 - b2));
            if (mask != null) {
                m.muli(mask);
                v.muli(mask);
            }
            NDArray denom = Scoped.of(scope, v.sqrt()).divi(Math.sqrt(bc2)).addi(settings.epsilon());
            NDArray update = Scoped.of(scope, m.mul(lr / bc1)).divi(denom);
            w.subi(update);
            u.parameter().applyMask();
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
