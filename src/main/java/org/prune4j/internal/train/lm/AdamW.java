package org.prune4j.internal.train.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.nn.Parameter;

/**
 * AdamW (Loshchilov &amp; Hutter) with bias correction whose state can be saved and restored, honouring
 * pruning masks: masked gradients, moments and values stay exactly zero.
 */
final class AdamW implements AutoCloseable {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final NDManager state;
    private final double weightDecay;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private long t;

    AdamW(NDManager parent, double weightDecay) {
        this.state = parent.newSubManager();
        this.weightDecay = weightDecay;
    }

    long stepsTaken() {
        return t;
    }

    /** One update of {@code p} (named {@code name}) with gradient {@code g} (in {@code scope}). */
    void update(String name, Parameter p, NDArray g, double lr, NDManager scope, boolean newStep) {
        if (newStep) {
            t++;
        }
        NDArray w = p.value();
        NDArray mask = p.mask();
        NDArray d = g;
        if (mask != null) {
            d = g.mul(mask);
            d.attach(scope);
        }
        NDArray[] mv = moments.computeIfAbsent(name,
                k -> new NDArray[] {state.zeros(w.getShape(), w.getDataType()), state.zeros(w.getShape(), w.getDataType())});
        NDArray m = mv[0];
        NDArray v = mv[1];
        NDArray dm = d.mul(1 - BETA1);
        dm.attach(scope);
        m.muli(BETA1).addi(dm);
        NDArray d2 = d.square().muli(1 - BETA2);
        d2.attach(scope);
        v.muli(BETA2).addi(d2);
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = 1 - Math.pow(BETA2, t);
        if (weightDecay > 0) {
            w.muli(1 - lr * weightDecay);
        }
        NDArray denom = v.sqrt();
        denom.attach(scope);
        denom.divi(Math.sqrt(bc2)).addi(EPS);
        NDArray step = m.mul(lr / bc1);
        step.attach(scope);
        w.subi(step.divi(denom));
        p.applyMask();
    }

    /** The moments and the step count as tensors ({@code <name>.adam_m}, {@code .adam_v}). */
    Map<String, TensorData> stateTensors() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        moments.forEach((k, mv) -> {
            out.put(k + ".adam_m", TensorData.of(mv[0]));
            out.put(k + ".adam_v", TensorData.of(mv[1]));
        });
        return out;
    }

    /** Restores moments saved by {@link #stateTensors} and the step count. */
    void restore(Map<String, TensorData> tensors, long steps) {
        t = steps;
        tensors.forEach((k, v) -> {
            if (k.endsWith(".adam_m") || k.endsWith(".adam_v")) {
                String name = k.substring(0, k.length() - 7);
                NDArray a = v.toNDArray(state);
                NDArray[] mv = moments.computeIfAbsent(name, n -> new NDArray[2]);
                mv[k.endsWith(".adam_m") ? 0 : 1] = a;
            }
        });
    }

    @Override
    public void close() {
        state.close();
    }
}
