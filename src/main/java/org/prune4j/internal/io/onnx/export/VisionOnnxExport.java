package org.prune4j.internal.io.onnx.export;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.OnnxDataType;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.model.vision.BasicBlock;
import org.prune4j.internal.model.vision.CifarResNet;
import org.prune4j.internal.model.vision.ConvNet;
import org.prune4j.internal.model.vision.LeNet300100;
import org.prune4j.internal.model.vision.LeNet5;
import org.prune4j.internal.model.vision.TransformerEncoderLayer;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.model.vision.VisionTransformer;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.ChannelShortcut;
import org.prune4j.internal.nn.Conv2d;
import org.prune4j.internal.nn.LayerNorm;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.ModuleList;
import org.prune4j.internal.nn.MultiheadSelfAttention;

/**
 * A loaded vision model (in evaluation mode, possibly structurally pruned) as an ONNX graph (opset
 * {@value GraphWriter#OPSET}): input {@code input} (float32 {@code [batch_size, C, H, W]}, normalised as
 * the architecture expects), output {@code logits} ({@code [batch_size, classes]}). Initializers keep the
 * module paths of the state dict ({@code layer1.0.conv1.weight}, ...).
 *
 * <p>The CIFAR ResNets' parameter-free {@link ChannelShortcut} becomes a strided {@code Slice}, a
 * {@code Pad} with one zero channel (only when some output channel is zero) and a {@code Gather} of the
 * channel map, so pruned shortcut maps are reproduced exactly.
 *
 * <p>The ViT is written as its plain forward pass (no token reduction) with standard operators: the patch
 * convolution flattened to tokens, the class token {@code Expand}ed to the batch and prepended, the position
 * embedding added, then per post-norm encoder layer the fused {@code in_proj} as one MatMul, reshaped to
 * {@code [3, N, heads, S, head_dim]} and split by {@code Gather}, {@code softmax(q·kᵀ / √head_dim)·v},
 * {@code out_proj}, residual + {@code LayerNormalization}, the ReLU feed-forward, residual + {@code
 * LayerNormalization}; the class token's output goes through {@code mlp_head}. Head counts and feed-forward
 * widths are read per layer, so structurally pruned layers of different widths export as they are.
 */
public final class VisionOnnxExport {
    private final GraphWriter g;

    private VisionOnnxExport(OnnxExportOptions options) {
        if (options.kvCache()) {
            throw new UserError("--kv-cache: vision models have no key/value cache (it applies to the Llama family only)");
        }
        this.g = new GraphWriter("prune4j-vision", options.weightType());
    }

    /** The ONNX model of {@code model}. */
    public static ModelProto build(VisionModel model, OnnxExportOptions options) {
        return new VisionOnnxExport(options).graph(model);
    }

    private ModelProto graph(VisionModel model) {
        VisionSpec spec = model.spec();
        g.builder().input("input", OnnxDataType.FLOAT, "batch_size", (long) spec.channels(), (long) spec.height(), (long) spec.width());
        g.builder().output("logits", OnnxDataType.FLOAT, "batch_size", (long) spec.numClasses());
        Map<String, Module> c = model.children();
        String x = "input";
        String last;
        switch (model) {
            case CifarResNet r -> {
                x = relu("bn1", batchNorm("bn1", (BatchNorm2d) c.get("bn1"), conv("conv1", (Conv2d) c.get("conv1"), x)));
                for (int s = 1; s <= 3; s++) {
                    ModuleList<?> stage = (ModuleList<?>) c.get("layer" + s);
                    for (int b = 0; b < stage.size(); b++) {
                        x = basicBlock("layer" + s + "." + b, (BasicBlock) stage.get(b), x);
                    }
                }
                x = g.op("pool", "Flatten", List.of(g.op("pool", "GlobalAveragePool", List.of(x))), "axis", 1L);
                last = "linear";
            }
            case LeNet300100 l -> {
                x = g.op("flatten", "Flatten", List.of(x), "axis", 1L);
                x = relu("fc1", gemm("fc1", (Linear) c.get("fc1"), x));
                x = relu("fc2", gemm("fc2", (Linear) c.get("fc2"), x));
                last = "fc3";
            }
            case LeNet5 l -> {
                x = maxPool("conv1", conv("conv1", (Conv2d) c.get("conv1"), x));
                x = maxPool("conv2", conv("conv2", (Conv2d) c.get("conv2"), x));
                x = relu("fc1", gemm("fc1", (Linear) c.get("fc1"), g.op("flatten", "Flatten", List.of(x), "axis", 1L)));
                last = "fc2";
            }
            case ConvNet n -> {
                for (int i = 1; c.containsKey("conv" + i); i++) {
                    x = relu("conv" + i, conv("conv" + i, (Conv2d) c.get("conv" + i), x));
                    if (i % 2 == 0) {
                        x = maxPool("conv" + i, x);
                    }
                }
                x = g.op("flatten", "Flatten", List.of(x), "axis", 1L);
                x = relu("fc1", gemm("fc1", (Linear) c.get("fc1"), x));
                x = relu("fc2", gemm("fc2", (Linear) c.get("fc2"), x));
                last = "fc3";
            }
            case VisionTransformer v -> {
                x = vitTokens(v, (Conv2d) c.get("patch_embed").children().get("proj"), x);
                List<TransformerEncoderLayer> layers = v.layers();
                for (int i = 0; i < layers.size(); i++) {
                    x = encoderLayer("transformer.layers." + i, layers.get(i), x);
                }
                Map<String, Module> head = c.get("mlp_head").children();
                String cls = g.op("mlp_head", "Gather", List.of(x, g.scalar("mlp_head.cls_index", 0L)), "axis", 1L); // [N, E]
                x = layerNorm("mlp_head.0", (LayerNorm) head.get("0"), cls);
                g.opNamed("logits", "Gemm", gemmInputs("mlp_head.1", (Linear) head.get("1"), x), "transB", 1L);
                return g.build();
            }
            default -> throw new UserError("--to onnx: not supported yet for " + spec.name()
                    + " (ONNX export covers the CIFAR ResNets, LeNets, Conv-2/4/6 and the ViT)");
        }
        g.opNamed("logits", "Gemm", gemmInputs(last, (Linear) c.get(last), x), "transB", 1L);
        return g.build();
    }

    /** Patch tokens {@code [N, P, E]} with the class token prepended and the position embedding added. */
    private String vitTokens(VisionTransformer v, Conv2d proj, String images) {
        String p = "patch_embed";
        String y = conv(p + ".proj", proj, images); // [N, E, h, w]
        String tokens = g.transpose(p, g.reshape(p, y, 0, 0, -1), 0, 2, 1); // [N, P, E]
        long dim = v.clsToken().value().getShape().get(2);
        String cls = param("cls_token", v.clsToken().value(), false); // [1, 1, E]
        String batch = g.op(p, "Slice", List.of(g.op(p, "Shape", List.of(images)), g.longs("cls_token.batch_from", 0),
                g.longs("cls_token.batch_to", 1)));
        String clsShape = g.op("cls_token", "Concat", List.of(batch, g.longs("cls_token.tail", 1, dim)), "axis", 0L);
        String clsBatch = g.op("cls_token", "Expand", List.of(cls, clsShape)); // [N, 1, E]
        String x = g.op("pos_embed", "Concat", List.of(clsBatch, tokens), "axis", 1L);
        return g.op("pos_embed", "Add", List.of(x, param("pos_embed", v.posEmbed().value(), false)));
    }

    /** {@code h = norm1(x + attn(x))}, {@code norm2(h + linear2(relu(linear1(h))))}. */
    private String encoderLayer(String p, TransformerEncoderLayer layer, String x) {
        Map<String, Module> c = layer.children();
        String h = layerNorm(p + ".norm1", (LayerNorm) c.get("norm1"),
                g.op(p, "Add", List.of(x, attention(p + ".self_attn", layer.selfAttention(), x))));
        String ff = linear(p + ".linear2", (Linear) c.get("linear2"),
                relu(p + ".linear1", linear(p + ".linear1", (Linear) c.get("linear1"), h)));
        return layerNorm(p + ".norm2", (LayerNorm) c.get("norm2"), g.op(p, "Add", List.of(h, ff)));
    }

    /**
     * Multi-head self-attention of this layer's own head count and head width: the fused {@code in_proj}
     * rows are q, k, v in that order, each {@code heads × head_dim} (PyTorch's layout).
     */
    private String attention(String p, MultiheadSelfAttention a, String x) {
        long heads = a.numHeads();
        long dh = a.headDim();
        String w = param(p + ".in_proj_weight", a.inProjWeight().value(), true);
        String b = a.inProjBias() == null ? null : param(p + ".in_proj_bias", a.inProjBias().value(), false);
        String qkv = g.linear(p, x, w, b); // [N, S, 3·H·Dh]
        String split = g.transpose(p, g.reshape(p, qkv, 0, 0, 3, heads, dh), 2, 0, 3, 1, 4); // [3, N, H, S, Dh]
        String q = g.op(p, "Gather", List.of(split, g.scalar(p + ".q_index", 0L)), "axis", 0L);
        String k = g.op(p, "Gather", List.of(split, g.scalar(p + ".k_index", 1L)), "axis", 0L);
        String v = g.op(p, "Gather", List.of(split, g.scalar(p + ".v_index", 2L)), "axis", 0L);
        String scores = g.op(p, "MatMul", List.of(q, g.transpose(p, k, 0, 1, 3, 2)));
        scores = g.op(p, "Div", List.of(scores, g.scalar(p + ".scale", (float) Math.sqrt(dh))));
        String probs = g.op(p, "Softmax", List.of(scores), "axis", -1L);
        String ctx = g.op(p, "MatMul", List.of(probs, v)); // [N, H, S, Dh]
        ctx = g.reshape(p, g.transpose(p, ctx, 0, 2, 1, 3), 0, 0, heads * dh);
        return linear(p + ".out_proj", a.outProj(), ctx);
    }

    private String layerNorm(String p, LayerNorm norm, String x) {
        return g.op(p, "LayerNormalization", List.of(x, param(p + ".weight", norm.weight().value(), false),
                param(p + ".bias", norm.bias().value(), false)), "axis", -1L, "epsilon", norm.eps());
    }

    /** A {@link Linear} on {@code [..., in]} tokens: MatMul on the transposed weight, plus the bias. */
    private String linear(String p, Linear l, String x) {
        String w = param(p + ".weight", l.weight().value(), true);
        return g.linear(p, x, w, l.bias() == null ? null : param(p + ".bias", l.bias().value(), false));
    }

    /** {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}. */
    private String basicBlock(String p, BasicBlock block, String x) {
        Map<String, Module> c = block.children();
        String y = relu(p + ".bn1", batchNorm(p + ".bn1", (BatchNorm2d) c.get("bn1"), conv(p + ".conv1", (Conv2d) c.get("conv1"), x)));
        y = batchNorm(p + ".bn2", (BatchNorm2d) c.get("bn2"), conv(p + ".conv2", (Conv2d) c.get("conv2"), y));
        String shortcut = c.get("shortcut") instanceof ChannelShortcut s ? shortcut(p + ".shortcut", s, x) : x;
        return relu(p, g.op(p, "Add", List.of(y, shortcut)));
    }

    /** Every {@code stride}-th row and column, then output channel {@code j} = input channel {@code source[j]} or zeros. */
    private String shortcut(String p, ChannelShortcut s, String x) {
        String y = x;
        if (s.stride() > 1) {
            long st = s.stride();
            y = g.op(p, "Slice", List.of(x, g.longs(p + ".starts", 0, 0), g.longs(p + ".ends", Long.MAX_VALUE, Long.MAX_VALUE),
                    g.longs(p + ".axes", 2, 3), g.longs(p + ".steps", st, st)));
        }
        int[] source = s.source();
        long in = s.inChannels();
        boolean identity = source.length == in;
        boolean zeros = false;
        long[] index = new long[source.length];
        for (int j = 0; j < source.length; j++) {
            identity &= source[j] == j;
            zeros |= source[j] < 0;
            index[j] = source[j] < 0 ? in : source[j]; // the appended zero channel
        }
        if (identity) {
            return y;
        }
        int before = 0;
        while (before < source.length && source[before] < 0) {
            before++;
        }
        int run = 0;
        while (before + run < source.length && source[before + run] == run) {
            run++;
        }
        boolean optionA = run == in && java.util.Arrays.stream(source, before + run, source.length).allMatch(v -> v < 0);
        if (optionA) {
            // zero channels, the input's channels in order, zero channels: a Concat whose zero blocks take their
            // batch and spatial size from the input (the form graph pruners read as channel offsets)
            String shape = g.op(p, "Shape", List.of(y));
            List<String> parts = new java.util.ArrayList<>();
            long after = source.length - before - run;
            if (before > 0) {
                parts.add(zeros(p + ".before", shape, before));
            }
            parts.add(y);
            if (after > 0) {
                parts.add(zeros(p + ".after", shape, after));
            }
            return g.op(p, "Concat", parts, "axis", 1L);
        }
        if (zeros) {
            y = g.op(p, "Pad", List.of(y, g.longs(p + ".pads", 0, 0, 0, 0, 0, 1, 0, 0)));
        }
        return g.op(p, "Gather", List.of(y, g.longs(p + ".source", index)), "axis", 1L);
    }

    /** Float zeros shaped like the tensor of shape {@code shape} but with {@code channels} channels. */
    private String zeros(String p, String shape, long channels) {
        String batch = g.op(p, "Slice", List.of(shape, g.longs(p + ".batch_from", 0), g.longs(p + ".batch_to", 1)));
        String space = g.op(p, "Slice", List.of(shape, g.longs(p + ".space_from", 2), g.longs(p + ".space_to", 4)));
        String dims = g.op(p, "Concat", List.of(batch, g.longs(p + ".channels", channels), space), "axis", 0L);
        return g.op(p, "ConstantOfShape", List.of(dims));
    }

    private String conv(String p, Conv2d conv, String x) {
        long pad = conv.padding();
        long stride = conv.stride();
        long[] k = conv.kernelSize();
        String w = param(p + ".weight", conv.weight().value(), true);
        List<String> in = conv.bias() == null ? List.of(x, w) : List.of(x, w, param(p + ".bias", conv.bias().value(), false));
        return g.op(p, "Conv", in, "kernel_shape", k, "pads", new long[] {pad, pad, pad, pad}, "strides", new long[] {stride, stride},
                "group", (long) conv.groups());
    }

    private String batchNorm(String p, BatchNorm2d bn, String x) {
        return g.op(p, "BatchNormalization", List.of(x, param(p + ".weight", bn.weight().value(), false),
                param(p + ".bias", bn.bias().value(), false), param(p + ".running_mean", bn.runningMean(), false),
                param(p + ".running_var", bn.runningVar(), false)), "epsilon", bn.eps());
    }

    private String gemm(String p, Linear l, String x) {
        return g.op(p, "Gemm", gemmInputs(p, l, x), "transB", 1L);
    }

    private List<String> gemmInputs(String p, Linear l, String x) {
        String w = param(p + ".weight", l.weight().value(), true);
        return l.bias() == null ? List.of(x, w) : List.of(x, w, param(p + ".bias", l.bias().value(), false));
    }

    private String relu(String p, String x) {
        return g.op(p, "Relu", List.of(x));
    }

    private String maxPool(String p, String x) {
        return g.op(p, "MaxPool", List.of(x), "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2});
    }

    /** A parameter as an initializer: a weight matrix/kernel in the export's weight type, vectors float32. */
    private String param(String name, NDArray value, boolean weight) {
        long[] dims = value.getShape().getShape();
        float[] v = value.toFloatArray();
        return weight ? g.weight(name, dims, v) : g.vector(name, dims, v);
    }
}
