package org.prune4j.internal.experiment;

import ai.djl.ndarray.NDArray;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.train.Network;

/** A vision model as the trainer sees it. */
record VisionNetwork(VisionModel model) implements Network {
    @Override
    public Module module() {
        return model;
    }

    @Override
    public NDArray forward(NDArray input) {
        return model.forward(input);
    }
}
