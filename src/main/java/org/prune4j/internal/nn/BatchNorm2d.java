package org.prune4j.internal.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Batch normalisation over the channel axis of {@code [N, C, H, W]}, as PyTorch's {@code BatchNorm2d}.
 *
 * <p>Evaluation mode normalises with the running statistics (buffers {@code running_mean}, {@code
 * running_var}). Training mode normalises with the batch's mean and biased variance and updates the running
 * statistics in place: {@code running = (1 - momentum)·running + momentum·batch}, with the unbiased batch
 * variance; the update is kept out of the autograd graph.
 */
public final class BatchNorm2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final float eps;
    private final float momentum;

    /** A batch norm over the given affine parameters and running statistics, all {@code [C]}. */
    public BatchNorm2d(NDArray weight, NDArray bias, NDArray runningMean, NDArray runningVar, float eps,
            float momentum) {
        long c = weight.getShape().get(0);
        for (NDArray a : new NDArray[] {weight, bias, runningMean, runningVar}) {
            if (a.getShape().dimension() != 1 || a.getShape().get(0) != c) {
                throw new IllegalArgumentException("BatchNorm2d tensors must all be [" + c + "], got " + a.getShape());
            }
        }
        this.weight = registerParameter("weight", weight);
        this.bias = registerParameter("bias", bias);
        this.runningMean = registerBuffer("running_mean", runningMean);
        this.runningVar = registerBuffer("running_var", runningVar);
        this.eps = eps;
        this.momentum = momentum;
    }

    /** A fresh batch norm for {@code channels} channels: weight 1, bias 0, mean 0, variance 1, PyTorch's eps 1e-5 and momentum 0.1. */
    public static BatchNorm2d create(NDManager manager, long channels) {
        Shape s = new Shape(channels);
        return new BatchNorm2d(manager.ones(s), manager.zeros(s), manager.zeros(s), manager.ones(s), 1e-5f, 0.1f);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public NDArray runningMean() {
        return runningMean;
    }

    public NDArray runningVar() {
        return runningVar;
    }

    public float eps() {
        return eps;
    }

    /** Weight of the batch statistics in the running-statistics update (PyTorch convention). */
    public float momentum() {
        return momentum;
    }

    public long channels() {
        return weight.value().getShape().get(0);
    }

    /** Normalises {@code x [N, C, H, W]}; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        // DJL's momentum is the weight of the old running value (MXNet convention): 1 - PyTorch's momentum.
        NDArray y = ai.djl.nn.norm.BatchNorm.batchNorm(x, runningMean, runningVar, weight.value(), bias.value(), 1,
                1 - momentum, eps, isTraining()).singletonOrThrow();
        fireHooks(x, y);
        return y;
    }
}
