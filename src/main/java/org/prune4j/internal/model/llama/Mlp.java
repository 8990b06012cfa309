package org.prune4j.internal.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;

/**
 * The SwiGLU feed-forward network of a Llama block: {@code down(silu(gate(x)) · up(x))}. Its width is
 * {@code gate_proj}'s current number of rows, so structured pruning may shrink it, down to 0 (the
 * sublayer removed).
 */
public final class Mlp extends Module {
    private Linear gateProj;
    private Linear upProj;
    private Linear downProj;

    Mlp(Linear gateProj, Linear upProj, Linear downProj) {
        this.gateProj = registerChild("gate_proj", gateProj);
        this.upProj = registerChild("up_proj", upProj);
        this.downProj = registerChild("down_proj", downProj);
    }

    public Linear gateProj() {
        return gateProj;
    }

    public Linear upProj() {
        return upProj;
    }

    public Linear downProj() {
        return downProj;
    }

    /** Number of hidden neurons, from {@code gate_proj}'s current shape. */
    public int intermediateSize() {
        return Math.toIntExact(gateProj.outFeatures());
    }

    /** True when every neuron was removed: the sublayer adds only {@code down_proj}'s bias (if any). */
    public boolean isRemoved() {
        return gateProj.outFeatures() == 0;
    }

    /** {@code x [..., D]} → {@code [..., D]}; a {@link #isRemoved removed} MLP gives {@code down_proj}'s bias or zeros. */
    public NDArray forward(NDArray x) {
        if (isRemoved()) {
            NDArray out = x.zerosLike();
            if (downProj.bias() != null) {
                out.addi(downProj.bias().value());
            }
            fireHooks(x, out);
            return out;
        }
        NDArray gate = gateProj.forward(x);
        NDArray up = upProj.forward(x);
        NDArray hidden = gate.mul(Activation.sigmoid(gate)).muli(up); // silu(gate) · up
        NDArray out = downProj.forward(hidden);
        fireHooks(x, out);
        return out;
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        if (!(replacement instanceof Linear l)) {
            throw new IllegalArgumentException(name + " must be a Linear, got " + replacement.getClass().getSimpleName());
        }
        switch (name) {
            case "gate_proj" -> gateProj = l;
            case "up_proj" -> upProj = l;
            case "down_proj" -> downProj = l;
            default -> throw new IllegalArgumentException("no child " + name);
        }
    }
}
