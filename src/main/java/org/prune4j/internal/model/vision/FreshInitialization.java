package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import org.prune4j.UserError;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.Initializers;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Draws every parameter of a (possibly narrowed) CNN again, at its current shape, with the rule its
 * architecture's constructor uses: what {@link VisionModels#create} would give if the architecture had
 * been written with these widths. Weights (two or more axes) are drawn in parameter order from one {@link
 * Random} seeded with {@code seed}: Glorot uniform for LeNet-5, Glorot normal for LeNet-300-100 and
 * Conv-2/4/6, Kaiming normal for the CIFAR ResNets; biases are zero except the ResNet classifier's
 * (PyTorch default for its current fan-in); batch-norm scales are one and shifts zero (their running
 * statistics are left as they are). For a model at its registry widths this reproduces {@code
 * VisionModels.create(arch, manager, seed)} exactly. ViT is not supported yet.
 */
public final class FreshInitialization {
    private FreshInitialization() {}

    /** Re-initialises {@code model} in place from {@code seed}. */
    public static void reinitialize(VisionModel model, long seed) {
        String arch = model.spec().name();
        Rule rule = switch (model) {
            case LeNet5 l -> Rule.GLOROT_UNIFORM;
            case LeNet300100 l -> Rule.GLOROT_NORMAL;
            case ConvNet c -> Rule.GLOROT_NORMAL;
            case CifarResNet r -> Rule.KAIMING_NORMAL;
            default -> throw new UserError("not supported yet: fresh initialisation of " + arch + " (CNNs only)");
        };
        Random rng = new Random(seed);
        Map<String, Module> modules = model.namedModules();
        Map<String, Parameter> params = model.namedParameters();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            Shape shape = p.value().getShape();
            NDManager manager = p.value().getManager();
            int dot = name.lastIndexOf('.');
            String owner = dot < 0 ? "" : name.substring(0, dot);
            String last = name.substring(dot + 1);
            NDArray fresh;
            if (shape.dimension() >= 2) {
                fresh = switch (rule) {
                    case GLOROT_UNIFORM -> Initializers.glorotUniform(manager, shape, rng);
                    case GLOROT_NORMAL -> Initializers.glorotNormal(manager, shape, rng);
                    case KAIMING_NORMAL -> Initializers.kaimingNormal(manager, shape, rng);
                };
            } else if (modules.get(owner) instanceof BatchNorm2d) {
                fresh = last.equals("weight") ? manager.ones(shape) : manager.zeros(shape);
            } else if (rule == Rule.KAIMING_NORMAL && name.equals("linear.bias")) {
                long fanIn = params.get("linear.weight").value().getShape().get(1);
                fresh = Initializers.torchDefault(manager, shape, fanIn, rng);
            } else {
                fresh = manager.zeros(shape);
            }
            p.setValue(fresh);
        }
    }

    private enum Rule { GLOROT_UNIFORM, GLOROT_NORMAL, KAIMING_NORMAL }
}
