package org.prune4j.internal.model.vision;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.prune4j.UserError;
import org.prune4j.internal.data.Normalization;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.pytorch.PyTorchCheckpoint;
import org.prune4j.internal.io.pytorch.StateDicts;
import org.prune4j.internal.nn.graph.WidthFitting;

/**
 * The registry of vision architectures: {@link #create} builds a freshly initialised model from a name.
 *
 * <table>
 *   <caption>Architectures</caption>
 *   <tr><th>name</th><th>input</th><th>model</th></tr>
 *   <tr><td>lenet-300-100</td><td>1×28×28</td><td>{@link LeNet300100}</td></tr>
 *   <tr><td>lenet5</td><td>1×28×28</td><td>{@link LeNet5}</td></tr>
 *   <tr><td>conv2, conv4, conv6</td><td>3×32×32</td><td>{@link ConvNet}</td></tr>
 *   <tr><td>resnet20, resnet32, resnet44, resnet56</td><td>3×32×32</td><td>{@link CifarResNet}</td></tr>
 *   <tr><td>vit-cifar-tiny</td><td>3×32×32</td><td>{@link VisionTransformer}</td></tr>
 * </table>
 */
public final class VisionModels {
    /**
     * The normalisation of the vit-cifar10-tiny checkpoint: CIFAR-10 means with the widespread (but not
     * exact) standard deviations (0.2023, 0.1994, 0.2010).
     */
    public static final Normalization VIT_CIFAR_NORMALIZATION = new Normalization(
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2023f, 0.1994f, 0.2010f});

    private static final Map<String, VisionSpec> SPECS = new LinkedHashMap<>();

    static {
        add(new VisionSpec("lenet-300-100", 1, 28, 28, 10, Normalization.MNIST, "mnist",
                "fully connected 784-300-100-10 (LeCun et al. 1998; Frankle & Carbin 2019)"));
        add(new VisionSpec("lenet5", 1, 28, 28, 10, Normalization.MNIST, "mnist",
                "Caffe LeNet-5: conv 20, conv 50, fc 500, fc 10 (Han et al. 2015)"));
        add(new VisionSpec("conv2", 3, 32, 32, 10, Normalization.CIFAR10, "cifar10",
                "Conv-2: 64,64,pool, fc 256,256,10 (Frankle & Carbin 2019)"));
        add(new VisionSpec("conv4", 3, 32, 32, 10, Normalization.CIFAR10, "cifar10",
                "Conv-4: 64,64,pool,128,128,pool, fc 256,256,10 (Frankle & Carbin 2019)"));
        add(new VisionSpec("conv6", 3, 32, 32, 10, Normalization.CIFAR10, "cifar10",
                "Conv-6: 64,64,pool,128,128,pool,256,256,pool, fc 256,256,10 (Frankle & Carbin 2019)"));
        for (int depth : new int[] {20, 32, 44, 56}) {
            add(new VisionSpec("resnet" + depth, 3, 32, 32, 10, Normalization.IMAGENET, "cifar10",
                    "CIFAR ResNet-" + depth + " with option-A shortcuts (He et al. 2016; akamaster)"));
        }
        add(new VisionSpec("vit-cifar-tiny", 3, 32, 32, 10, VIT_CIFAR_NORMALIZATION, "cifar10",
                "ViT: 4x4 patches, dim 128, 6 post-norm layers, 8 heads, MLP 256 (vit-cifar10-tiny checkpoint)"));
    }

    private VisionModels() {}

    private static void add(VisionSpec spec) {
        SPECS.put(spec.name(), spec);
    }

    /** The architecture names, in registry order. */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /** The spec of {@code arch}; an unknown name is a {@link UserError} listing the valid ones. */
    public static VisionSpec spec(String arch) {
        VisionSpec spec = SPECS.get(arch);
        if (spec == null) {
            throw new UserError("unknown vision architecture " + arch + "; valid: " + String.join(", ", names()));
        }
        return spec;
    }

    /**
     * A new model of architecture {@code arch} with its parameters in {@code manager}, initialised from
     * {@code seed} (same seed, same weights), in evaluation mode. Unknown name → {@link UserError} listing
     * the valid names.
     */
    public static VisionModel create(String arch, NDManager manager, long seed) {
        VisionSpec spec = spec(arch);
        Random rng = new Random(seed);
        return switch (arch) {
            case "lenet-300-100" -> new LeNet300100(spec, manager, rng);
            case "lenet5" -> new LeNet5(spec, manager, rng);
            case "conv2" -> new ConvNet(spec, 1, manager, rng);
            case "conv4" -> new ConvNet(spec, 2, manager, rng);
            case "conv6" -> new ConvNet(spec, 3, manager, rng);
            case "resnet20" -> new CifarResNet(spec, 3, manager, rng);
            case "resnet32" -> new CifarResNet(spec, 5, manager, rng);
            case "resnet44" -> new CifarResNet(spec, 7, manager, rng);
            case "resnet56" -> new CifarResNet(spec, 9, manager, rng);
            case "vit-cifar-tiny" -> new VisionTransformer(spec, 4, 128, 6, 8, 256, 0.1f, manager, rng);
            default -> throw new IllegalStateException("no constructor for " + arch);
        };
    }

    /**
     * A model of architecture {@code arch} in {@code manager} with the weights of {@code checkpoint}: a
     * {@code .safetensors} file (as {@link StateDicts#of} + {@code SafetensorsWriter} write it) or anything
     * {@code torch.save} wrote ({@link PyTorchCheckpoint}). Names and shapes must match exactly ({@link
     * StateDicts#load}); the model is in evaluation mode.
     */
    public static VisionModel load(String arch, Path checkpoint, NDManager manager) {
        VisionModel model = create(arch, manager, 0);
        String source = checkpoint.toString();
        Map<String, org.prune4j.internal.io.TensorData> sd;
        Map<String, String> metadata = new LinkedHashMap<>();
        if (source.endsWith(".safetensors")) {
            try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
                Map<String, org.prune4j.internal.io.TensorData> raw = new LinkedHashMap<>();
                for (String name : f.names()) {
                    raw.put(name, f.get(name));
                }
                org.prune4j.internal.io.NonFiniteWeights.warn(raw, source, System.err);
                Map<String, org.prune4j.internal.io.TensorData> folded = org.prune4j.internal.io.MaskedTensors.fold(raw, source);
                sd = StateDicts.stripPrefix(folded, "module.");
                boolean prefixed = sd != folded;
                f.metadata().forEach((k, v) -> metadata.put(prefixed && k.startsWith("module.") ? k.substring(7) : k, v));
                fitWidths(model, sd, metadata, source);
                StateDicts.load(model, sd, source);
            }
        } else {
            sd = PyTorchCheckpoint.readStateDict(checkpoint);
            org.prune4j.internal.io.NonFiniteWeights.warn(sd, source, System.err);
            fitWidths(model, StateDicts.stripPrefix(sd, "module."), metadata, source);
            StateDicts.load(model, sd, source);
        }
        return model;
    }

    /** Structurally pruned checkpoints: shrink the model to the tensors' widths before loading them. */
    private static void fitWidths(VisionModel model, Map<String, org.prune4j.internal.io.TensorData> sd,
            Map<String, String> metadata, String source) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        sd.forEach((k, v) -> shapes.put(k, v.shape()));
        if (WidthFitting.differs(model, shapes)) {
            VisionSpec s = model.spec();
            WidthFitting.fit(model, model::forward, new ai.djl.ndarray.types.Shape(s.channels(), s.height(), s.width()),
                    shapes, metadata, source);
        }
    }}
