package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.Functional;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.ModuleList;

/**
 * The CIFAR-10 ResNets of He et al. 2016 (§4.2) with 6n+2 layers (n = 3, 5, 7, 9: ResNet-20/32/44/56), laid
 * out and named as akamaster/pytorch_resnet_cifar10's {@code resnet.py}: {@code conv1} (3×3, 16, no bias),
 * {@code bn1}, {@code layer1}..{@code layer3} of n {@link BasicBlock}s with 16/32/64 channels (stride 2 at the
 * start of stages 2 and 3, option-A shortcuts), global average pooling and {@code linear} (64→10).
 * Kaiming-normal convolution and linear weights, PyTorch-default linear bias, batch norms at weight 1 /
 * bias 0.
 */
public final class CifarResNet extends VisionModel {
    private Conv2d conv1;
    private BatchNorm2d bn1;
    private final List<ModuleList<BasicBlock>> stages = new ArrayList<>();
    private Linear linear;

    CifarResNet(VisionSpec spec, int blocksPerStage, NDManager manager, Random rng) {
        super(spec);
        conv1 = registerChild("conv1", new Conv2d(
                Initializers.kaimingNormal(manager, new Shape(16, spec.channels(), 3, 3), rng), null, 1, 1, 1));
        bn1 = registerChild("bn1", BatchNorm2d.create(manager, 16));
        long in = 16;
        int[] widths = {16, 32, 64};
        for (int s = 0; s < 3; s++) {
            List<BasicBlock> blocks = new ArrayList<>();
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                blocks.add(new BasicBlock(manager, in, widths[s], stride, rng));
                in = widths[s];
            }
            stages.add(registerChild("layer" + (s + 1), new ModuleList<>(blocks)));
        }
        Shape w = new Shape(spec.numClasses(), 64);
        linear = registerChild("linear", new Linear(Initializers.kaimingNormal(manager, w, rng),
                Initializers.torchDefault(manager, new Shape(spec.numClasses()), 64, rng)));
    }

    /** Residual blocks per stage (3 for ResNet-20). */
    public int blocksPerStage() {
        return stages.get(0).size();
    }

    @Override
    public NDArray forward(NDArray images) {
        checkInput(images);
        NDArray x = Functional.relu(bn1.forward(conv1.forward(images)));
        for (ModuleList<BasicBlock> stage : stages) {
            for (BasicBlock block : stage.items()) {
                x = block.forward(x);
            }
        }
        return linear.forward(Functional.globalAvgPool2d(x));
    }

    @Override
    protected void onChildReplaced(String name, Module replacement) {
        switch (name) {
            case "conv1" -> conv1 = requireType(Conv2d.class, name, replacement);
            case "bn1" -> bn1 = requireType(BatchNorm2d.class, name, replacement);
            case "linear" -> linear = requireType(Linear.class, name, replacement);
            default -> throw new UnsupportedOperationException("replace the blocks of " + name + ", not the stage");
        }
    }
}
