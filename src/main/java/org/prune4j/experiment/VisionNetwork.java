package org.prune4j.experiment;

import ai.djl.ndarray.NDArray;
import org.prune4j.model.vision.VisionModel;
import org.prune4j.nn.Module;
import org.prune4j.train.Network;

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
