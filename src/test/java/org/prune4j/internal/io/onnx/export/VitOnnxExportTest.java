package org.prune4j.internal.io.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.cli.Main;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.internal.model.vision.TransformerEncoderLayer;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionTransformer;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.Group;
import org.prune4j.internal.nn.graph.Role;
import org.prune4j.internal.prune.structural.StructuralPruneJob;
import org.prune4j.internal.train.Checkpoints;

/**
 * The ViT export (dense and with heads and feed-forward units structurally removed, a different number per
 * layer) gives prune4j's logits within 1e-4 and the same accuracy in ONNX Runtime on the 200 bundled CIFAR-10
 * test images. The weights are seeded (the trained vit-cifar10-tiny checkpoint has no license to be bundled;
 * {@code bench.VisionOnnxAccuracyCheck} runs it on the lossless 1,000).
 */
class VitOnnxExportTest {
    private static final String ARCH = "vit-cifar-tiny";

    @TempDir
    Path dir;

    @Test
    void denseVitMatchesPrune4j() {
        Path ckpt = dir.resolve("vit.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Checkpoints.save(ckpt, VisionModels.create(ARCH, m, 21), Map.of());
        }
        ModelProto onnx = assertSameLogitsAndAccuracy(ckpt, "dense ViT", model -> {});
        List<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(6 + 6 + 1, ops.stream().filter("LayerNormalization"::equals).count(), ops.toString());
        assertEquals(6, ops.stream().filter("Softmax"::equals).count());
        assertTrue(onnx.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals("transformer.layers.5.self_attn.in_proj_weight")));
    }

    /** Layer 0 keeps 8 heads, layer 1 keeps 5, layer 3 keeps 1; feed-forward widths 256, 200, 256, 17, ... */
    @Test
    void structurallyPrunedVitMatchesPrune4jThroughTheCli() {
        Path pruned = dir.resolve("vit-pruned.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create(ARCH, m, 22);
            DependencyGraph g = DependencyGraph.build(model, model::forward, new Shape(3, 32, 32));
            g = g.prune(group(g, "transformer.layers.1.self_attn", Role.HEADS).id(), new int[] {0, 3, 7});
            g = g.prune(group(g, "transformer.layers.3.self_attn", Role.HEADS).id(), new int[] {0, 1, 2, 3, 5, 6, 7});
            g = g.prune(group(g, "transformer.layers.5.self_attn", Role.HEADS).id(), new int[] {4});
            g = g.prune(group(g, "transformer.layers.1.linear1", Role.OUT).id(), java.util.stream.IntStream.range(0, 56).toArray());
            g = g.prune(group(g, "transformer.layers.3.linear1", Role.OUT).id(), java.util.stream.IntStream.range(17, 256).toArray());
            g = g.prune(group(g, "transformer.layers.4.linear1", Role.OUT).id(), new int[] {1, 2, 100, 255});
            StructuralPruneJob.save(model, pruned, false);
        }
        assertSameLogitsAndAccuracy(pruned, "pruned ViT", model -> {
            List<TransformerEncoderLayer> layers = ((VisionTransformer) model).layers();
            assertEquals(List.of(8, 5, 8, 1, 8, 7), layers.stream().map(l -> l.selfAttention().numHeads()).toList());
            assertEquals(List.of(256L, 200L, 256L, 17L, 252L, 256L), layers.stream().map(TransformerEncoderLayer::feedForwardWidth).toList());
        });
        Path onnx = dir.resolve("vit.onnx");
        assertEquals(0, Main.run("convert", "--arch", ARCH, "--model", pruned.toString(), "--to", "onnx", "--out", onnx.toString()));
        ModelProto written = OnnxModelReader.read(onnx);
        assertEquals("input", written.getGraph().getInput(0).getName());
        assertEquals("logits", written.getGraph().getOutput(0).getName());
        assertEquals("batch_size", written.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    }

    @Test
    void anUnknownArchitectureIsAOneLineError() {
        Path onnx = dir.resolve("x.onnx");
        assertEquals(2, Main.run("convert", "--arch", "vit-huge", "--model", VisionOnnxExportTest.RESNET20.toString(), "--to", "onnx",
                "--out", onnx.toString()));
        assertTrue(!java.nio.file.Files.exists(onnx));
    }

    /** Float16 weights: the graph still computes in float32 from the rounded weights. */
    @Test
    void float16WeightsStayCloseToPrune4j() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create(ARCH, m, 23);
            Dataset data = Cifar10Binary.read(VisionOnnxExportTest.IMAGES, VisionModels.spec(ARCH).normalization());
            float[] images = VisionOnnxExportTest.images(data);
            int n = 16;
            float[] batch = java.util.Arrays.copyOf(images, n * 3 * 32 * 32);
            float[] expected = model.forward(m.create(batch, new Shape(n, 3, 32, 32))).toFloatArray();
            ModelProto onnx = VisionOnnxExport.build(model, new OnnxExportOptions(org.prune4j.internal.io.onnx.OnnxDataType.FLOAT16, false));
            try (OnnxRunner ort = OnnxRunner.open(onnx, "fp16 ViT", 1)) {
                float[] actual = ort.run(Map.of("input", InputTensor.ofFloats(new long[] {n, 3, 32, 32}, batch)), List.of("logits"))
                        .get("logits").values();
                double max = 0;
                for (int i = 0; i < expected.length; i++) {
                    max = Math.max(max, Math.abs(expected[i] - actual[i]));
                }
                assertTrue(max < 0.05 && max > 0, "max |difference| " + max);
            }
        }
    }

    private static Group group(DependencyGraph g, String module, Role role) {
        return g.groups().stream().filter(gr -> gr.members().stream().anyMatch(mb -> mb.module().equals(module) && mb.role() == role))
                .findFirst().orElseThrow();
    }

    private static ModelProto assertSameLogitsAndAccuracy(Path checkpoint, String what, java.util.function.Consumer<VisionModel> shapes) {
        Dataset data = Cifar10Binary.read(VisionOnnxExportTest.IMAGES, VisionModels.spec(ARCH).normalization());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(ARCH, checkpoint, m);
            shapes.accept(model);
            double prune4jAccuracy = ImageClassificationEval.evaluate(model, data, 100).accuracy();
            ModelProto onnx = VisionOnnxExport.build(model, OnnxExportOptions.defaults());
            float[] images = VisionOnnxExportTest.images(data);
            float[] expected;
            try (NDManager pass = m.newSubManager()) {
                NDArray x = pass.create(images, new Shape(data.size(), 3, 32, 32));
                expected = model.forward(x).toFloatArray();
            }
            float[] actual;
            try (OnnxRunner ort = OnnxRunner.open(onnx, what, 1)) {
                actual = ort.run(Map.of("input", InputTensor.ofFloats(new long[] {data.size(), 3, 32, 32}, images)), List.of("logits"))
                        .get("logits").values();
            }
            LlamaOnnxExportTest.assertClose(expected, actual, what);
            assertEquals(prune4jAccuracy, VisionOnnxExportTest.accuracy(actual, data), 0.0, what + ": accuracy through ONNX Runtime");
            return onnx;
        }
    }
}
