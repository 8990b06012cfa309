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
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

/** Vision exports (dense and structurally pruned ResNet-20) give prune4j's logits and accuracy in ONNX Runtime. */
public class VisionOnnxExportTest {
    public static final Path RESNET20 = Path.of("src/test/resources/checkpoints/resnet20-12fca82f.th");
    public static final Path IMAGES = Path.of("src/test/resources/data/cifar10/test_batch.bin");

    @TempDir
    Path dir;

    @Test
    void denseResnet20MatchesPrune4j() {
        assertSameLogitsAndAccuracy(RESNET20, "dense ResNet-20");
    }

    @Test
    void structurallyPrunedResnet20MatchesPrune4jThroughTheCli() {
        Path pruned = dir.resolve("r20.safetensors");
        assertEquals(0, Main.run("prune", "--arch", "resnet20", "--model", RESNET20.toString(), "--method", "l2", "--scope", "global",
                "--target-macs", "0.5", "--latency-reps", "1", "--out", pruned.toString()));
        assertSameLogitsAndAccuracy(pruned, "pruned ResNet-20");
        Path onnx = dir.resolve("r20.onnx");
        assertEquals(0, Main.run("convert", "--arch", "resnet20", "--model", pruned.toString(), "--to", "onnx", "--out", onnx.toString()));
        ModelProto m = OnnxModelReader.read(onnx);
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals("logits", m.getGraph().getOutput(0).getName());
        assertEquals("batch_size", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    }

    /**
     * Issue 11 §4: the exported ResNet-20's groups on the ONNX graph are the native dependency graph's, one for
     * one (same order, same width, the same weights pruned along their output channels), and the same 12 are
     * prunable: the option-A shortcut's Concat of zero blocks is an index map on both sides, so the three
     * residual streams are pruned across it (only the classifier is pinned, by the graph output).
     */
    @Test
    void exportedResnet20HasTheNativeGroups() {
        Path onnx = dir.resolve("r20.onnx");
        List<org.prune4j.internal.nn.graph.Group> nativeGroups;
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load("resnet20", RESNET20, m);
            OnnxExportFile.write(VisionOnnxExport.build(model, OnnxExportOptions.defaults()), onnx);
            nativeGroups = org.prune4j.internal.nn.graph.DependencyGraph.build(model, model::forward, new Shape(3, 32, 32)).groups();
        }
        List<org.prune4j.internal.prune.onnx.OnnxGroupListing.Entry> onnxGroups = org.prune4j.internal.prune.onnx.OnnxPruneJob.inspect(onnx, Map.of()).groups();
        assertEquals(13, nativeGroups.size());
        assertEquals(nativeGroups.size(), onnxGroups.size());
        for (int k = 0; k < nativeGroups.size(); k++) {
            org.prune4j.internal.nn.graph.Group n = nativeGroups.get(k);
            org.prune4j.internal.prune.onnx.OnnxGroupListing.Entry o = onnxGroups.get(k);
            assertEquals(n.width(), o.units(), "group " + k + " width");
            for (org.prune4j.internal.nn.graph.Member member : n.members()) {
                if (member.type().equals("Conv2d") || member.type().equals("Linear")) {
                    // output channels are rows of the weight, input channels its columns
                    String t = member.module() + ".weight[axis " + (member.role() == org.prune4j.internal.nn.graph.Role.OUT ? 0 : 1) + "]";
                    assertTrue(o.tensors().contains(t), "group " + k + ": " + t + " in " + o.tensors());
                } else if (member.type().equals("BatchNorm2d")) {
                    String t = member.module() + ".running_var[axis 0]";
                    assertTrue(o.tensors().contains(t), "group " + k + ": " + t + " in " + o.tensors());
                }
            }
            boolean nativePrunable = k < 12;
            assertEquals(nativePrunable, n.prunable(), "native group " + k);
            assertEquals(nativePrunable, o.prunable(), "ONNX group " + k + " " + o.stops());
        }
    }

    static void assertSameLogitsAndAccuracy(Path checkpoint, String what) {
        Dataset data = Cifar10Binary.read(IMAGES, VisionModels.spec("resnet20").normalization());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load("resnet20", checkpoint, m);
            double prune4jAccuracy = ImageClassificationEval.evaluate(model, data, 100).accuracy();
            ModelProto onnx = VisionOnnxExport.build(model, OnnxExportOptions.defaults());
            float[] images = images(data);
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
            assertEquals(prune4jAccuracy, accuracy(actual, data), 0.0, what + ": accuracy through ONNX Runtime");
        }
    }

    public static float[] images(Dataset data) {
        int size = data.imageSize();
        float[] all = new float[data.size() * size];
        for (int i = 0; i < data.size(); i++) {
            data.image(i, all, i * size);
        }
        return all;
    }

    public static double accuracy(float[] logits, Dataset data) {
        int classes = logits.length / data.size();
        int correct = 0;
        for (int i = 0; i < data.size(); i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (logits[i * classes + k] > logits[i * classes + best]) {
                    best = k;
                }
            }
            correct += best == data.label(i) ? 1 : 0;
        }
        assertTrue(correct > 0);
        return (double) correct / data.size();
    }
}
