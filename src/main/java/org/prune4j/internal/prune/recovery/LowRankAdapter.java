package org.prune4j.internal.prune.recovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.prune4j.internal.nn.GraphScalar;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * A low-rank adapter on one frozen {@link Linear} {@code y = x Wᵀ}: parameters {@code lora_A [r, in]}
 * (uniform in ±1/sqrt(in), as PEFT's Kaiming init) and {@code lora_B [out, r]} (zeros, so training starts at
 * the pruned model), scale {@code s = α/r}, dropout on the adapter's input. Installed as a forward hook
 * that adds the adapter's output to the Linear's, so the model code is untouched.
 * <ul>
 *   <li>{@link Kind#PLAIN} (LoRA, Hu et al. 2021): {@code W + s·BA}; merging fills the pruned zeros in.</li>
 *   <li>{@link Kind#MASKED} (PERP's MaskLoRA, Zimmer et al. 2023): {@code W + (s·BA) ⊙ M} with the keep-mask
 *       {@code M = [W ≠ 0]}: pruned weights stay exactly zero, also after merging.</li>
 *   <li>{@link Kind#SCALED} (PERP's ScaleLoRA): {@code W ⊙ (1 + s·BA)}: multiplicative, zeros stay zero.</li>
 * </ul>
 */
final class LowRankAdapter extends Module {
    /** How the low-rank product changes the weight. */
    public enum Kind {
        PLAIN,
        MASKED,
        SCALED
    }

    private final Linear target;
    private final Kind kind;
    private final Parameter a;
    private final Parameter b;
    private final NDArray keep;
    private final float scale;
    private final float dropout;
    private HookHandle hook;

    LowRankAdapter(Linear target, Kind kind, int rank, float alpha, float dropout, long seed) {
        this.target = target;
        this.kind = kind;
        NDManager m = target.weight().value().getManager();
        int in = Math.toIntExact(target.inFeatures());
        int out = Math.toIntExact(target.outFeatures());
        float[] av = new float[rank * in];
        SplittableRandom rnd = new SplittableRandom(seed);
        double bound = 1 / Math.sqrt(in);
        for (int i = 0; i < av.length; i++) {
            av[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        this.a = registerParameter("lora_A", m.create(av, new Shape(rank, in)));
        this.b = registerParameter("lora_B", m.zeros(new Shape(out, rank), DataType.FLOAT32));
        NDArray w = target.weight().value();
        this.keep = kind == Kind.MASKED ? w.neq(0).toType(DataType.FLOAT32, false) : null;
        this.scale = alpha / rank;
        this.dropout = dropout;
    }

    public Kind kind() {
        return kind;
    }

    /** Starts adding the adapter's output to the Linear's. */
    void install() {
        hook = target.addForwardHook((module, x, y) -> y.addi(branch(x)));
    }

    /** {@code x [..., in]} → the adapter's share of the output, in x's manager. */
    private NDArray branch(NDArray x) {
        NDArray in = isTraining() && dropout > 0 ? ai.djl.nn.norm.Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
        if (kind == Kind.PLAIN) {
            NDArray h = ai.djl.nn.core.Linear.linear(in, a.value(), null).singletonOrThrow();
            NDArray o = ai.djl.nn.core.Linear.linear(h, b.value(), null).singletonOrThrow();
            return o.muli(GraphScalar.of(o, scale));
        }
        NDArray delta = delta(x.getManager());
        return ai.djl.nn.core.Linear.linear(in, delta, null).singletonOrThrow();
    }

    /** The weight change {@code [out, in]} of the MASKED and SCALED kinds (and PLAIN), in {@code scope}. */
    private NDArray delta(NDManager scope) {
        NDArray ba = b.value().matMul(a.value());
        ba.attach(scope);
        NDArray s = ba.mul(GraphScalar.of(ba, scale));
        s.attach(scope);
        NDArray d = switch (kind) {
            case PLAIN -> s;
            case MASKED -> s.mul(keep);
            case SCALED -> s.mul(target.weight().value());
        };
        d.attach(scope);
        return d;
    }

    /** Adds the adapter into the Linear's weight and removes the hook. */
    void merge() {
        remove();
        NDArray w = target.weight().value();
        try (NDManager scope = w.getManager().newSubManager()) {
            w.addi(delta(scope));
            w.addi(0f); // turns −0.0 into +0.0
        }
    }

    /** Removes the hook (the weight is unchanged). */
    void remove() {
        if (hook != null) {
            hook.close();
            hook = null;
        }
    }

    public Parameter loraA() {
        return a;
    }

    public Parameter loraB() {
        return b;
    }

    /** The scale {@code α/r}. */
    public float scale() {
        return scale;
    }
}
