package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.Module;

/**
 * The residual block of the CIFAR ResNets (He et al. 2016, §4.2): {@code relu(bn2(conv2(relu(bn1(conv1(x)))))
 * + shortcut(x))} with bias-free 3×3 convolutions. The shortcut is the identity, or — when the block
 * changes width or resolution — "option A": {@code x[:, :, ::2, ::2]} (for stride 2) zero-padded with
 * {@code (out - in)/2} channels on each side, without parameters (as in akamaster's {@code resnet.py}),
 * held as the parameter-free child {@code shortcut} ({@link ChannelShortcut}) so that structural pruning
 * can change its channel map.
 */
public final class BasicBlock extends Module {
    private Conv2d conv1;
    private BatchNorm2d bn1;
    private Conv2d conv2;
    private BatchNorm2d bn2;
    private ChannelShortcut shortcut;

    BasicBlock(NDManager manager, long inPlanes, long planes, int stride, Random rng) {
        conv1 = registerChild("conv1", new Conv2d(
                Initializers.kaimingNormal(manager, new Shape(planes, inPlanes, 3, 3), rng), null, stride, 1, 1));
        bn1 = registerChild("bn1", BatchNorm2d.create(manager, planes));
        conv2 = registerChild("conv2", new Conv2d(
                Initializers.kaimingNormal(manager, new Shape(planes, planes, 3, 3), rng), null, 1, 1, 1));
        bn2 = registerChild("bn2", BatchNorm2d.create(manager, planes));
        if (stride != 1 || inPlanes != planes) {
            shortcut = registerChild("shortcut", ChannelShortcut.optionA(stride, inPlanes, planes));
        }
    }

    public NDArray forward(NDArray x) {
        NDArray out = Functional.relu(bn1.forward(conv1.forward(x)));
        out = bn2.forward(conv2.forward(out));
        NDArray y = Functional.relu(out.add(shortcut(x)));
        fireHooks(x, y);
        return y;
    }

    private NDArray shortcut(NDArray x) {
        return shortcut == null ? x : shortcut.forward(x);
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        switch (name) {
            case "conv1" -> conv1 = VisionModel.requireType(Conv2d.class, name, replacement);
            case "conv2" -> conv2 = VisionModel.requireType(Conv2d.class, name, replacement);
            case "bn1" -> bn1 = VisionModel.requireType(BatchNorm2d.class, name, replacement);
            case "shortcut" -> shortcut = VisionModel.requireType(ChannelShortcut.class, name, replacement);
            default -> bn2 = VisionModel.requireType(BatchNorm2d.class, name, replacement);
        }
    }
}
