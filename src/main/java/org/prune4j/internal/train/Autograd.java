package org.prune4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;

/**
 * The autograd operations prune4j needs, in one place: recording a forward pass, reading and clearing
 * parameter gradients, and back-propagation that keeps the graph (for Hessian-vector products). The
 * engine-specific calls (PyTorch's {@code zero_grad}, {@code backward(create_graph)}) live only here.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Runs {@code forward} with gradient recording, back-propagates the scalar it returns into the
     * gradients of every array that requires one, and returns that scalar.
     */
    public static NDArray backward(Supplier<NDArray> forward) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = forward.get();
            gc.backward(loss);
            return loss;
        }
    }

    /**
     * The accumulated gradient of {@code array}, as a new array in {@code scope} (the accumulator itself
     * is untouched), or null when nothing was back-propagated into it.
     */
    public static NDArray gradient(NDArray array, NDManager scope) {
        if (!array.hasGradient()) {
            return null;
        }
        NDArray g = array.getGradient();
        g.attach(scope);
        if (!isDefined(g)) {
            g.close();
            return null;
        }
        NDArray copy = g.duplicate();
        copy.attach(scope);
        g.close();
        return copy;
    }

    private static boolean isDefined(NDArray g) {
        try {
            return g.getShape() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Clears the gradient accumulator of {@code array}. */
    public static void zeroGradient(NDArray array) {
        if (array.hasGradient() && array instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        }
    }

    /**
     * Back-propagates {@code scalar} keeping the graph and recording the backward pass itself, so that
     * the resulting gradients can be differentiated again (a Hessian-vector product). Must be called
     * inside {@link #recording}.
     */
    public static void backwardCreatingGraph(NDArray scalar) {
        try (NDArray ones = scalar.onesLike()) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, true, true);
        }
    }

    /** Back-propagates {@code scalar} (inside {@link #recording}) without keeping the graph. */
    public static void backwardOnce(NDArray scalar) {
        try (NDArray ones = scalar.onesLike()) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
        }
    }

    /** Opens a gradient-recording region (close it to stop recording). */
    public static GradientCollector recording() {
        return Engine.getInstance().newGradientCollector();
    }
}
