package org.prune4j.internal.train;

import ai.djl.ndarray.NDManager;

/** The optimiser of a training run and its hyper-parameters (the learning rate comes from the schedule). */
public sealed interface OptimizerSettings {

    /** Base learning rate, scaled by the {@link LearningRateSchedule}. */
    double learningRate();

    /** A fresh optimiser whose state lives in {@code stateManager}. */
    Optimizer create(NDManager stateManager);

    /**
     * Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay, in PyTorch's
     * formulation: {@code d = g + λw; b = μb + d; w -= η·(nesterov ? d + μb : b)}.
     */
    record Sgd(double learningRate, double momentum, double weightDecay, boolean nesterov) implements OptimizerSettings {
        public Sgd {
            requirePositive("learning rate", learningRate);
            requireRange("momentum", momentum, 0, 1);
            requireRange("weight decay", weightDecay, 0, Double.MAX_VALUE);
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Nesterov SGD needs a momentum > 0");
            }
        }

        @Override
        public Optimizer create(NDManager stateManager) {
            return new MaskedSgd(this, stateManager);
        }
    }

    /**
     * Adam (Kingma & Ba) with bias correction. With {@code decoupledWeightDecay} it is AdamW
     * (Loshchilov & Hutter): {@code w -= ηλw} separately from the adaptive step; otherwise the decay is
     * added to the gradient as an L2 term.
     */
    record Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
            boolean decoupledWeightDecay) implements OptimizerSettings {
        public Adam {
            requirePositive("learning rate", learningRate);
            requireRange("beta1", beta1, 0, 1);
            requireRange("beta2", beta2, 0, 1);
            requirePositive("epsilon", epsilon);
            requireRange("weight decay", weightDecay, 0, Double.MAX_VALUE);
        }

        /** Adam with the usual defaults (β = 0.9, 0.999; ε = 1e-8) and no weight decay. */
        public static Adam of(double learningRate) {
            return new Adam(learningRate, 0.9, 0.999, 1e-8, 0, false);
        }

        @Override
        public Optimizer create(NDManager stateManager) {
            return new MaskedAdam(this, stateManager);
        }
    }

    private static void requirePositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be > 0, got " + v);
        }
    }

    private static void requireRange(String what, double v, double lo, double hiExclusive) {
        if (!(v >= lo && v < hiExclusive)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hiExclusive + "), got " + v);
        }
    }
}
