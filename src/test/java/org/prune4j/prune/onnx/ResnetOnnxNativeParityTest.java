package org.prune4j.prune.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.cli.Main;
import org.prune4j.data.Cifar10Binary;
import org.prune4j.data.Dataset;
import org.prune4j.eval.ImageClassificationEval;
import org.prune4j.io.onnx.InputTensor;
import org.prune4j.io.onnx.OnnxModelReader;
import org.prune4j.io.onnx.OnnxRunner;
import org.prune4j.io.onnx.OnnxTensors;
import org.prune4j.io.onnx.export.OnnxExportFile;
import org.prune4j.io.onnx.export.OnnxExportOptions;
import org.prune4j.io.onnx.export.VisionOnnxExport;
import org.prune4j.io.onnx.export.VisionOnnxExportTest;
import org.prune4j.io.onnx.proto.Onnx.ModelProto;
import org.prune4j.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.io.onnx.proto.Onnx.TensorProto;
import org.prune4j.model.vision.VisionModel;
import org.prune4j.model.vision.VisionModels;

/**
 * Issue 11 §4 on the bundled ResNet-20: pruned on the ONNX graph (across the option-A shortcuts' zero-padding
 * Concats) and natively, with the same criterion, the same channels go and the accuracies are equal.
 *
 * <p>Why the settings coincide: native {@code --method l2} scores a channel of a group by Σw² over each member's
 * tensors (conv rows or columns, BatchNorm weight and bias; the shortcut has none), averages the members
 * ({@code --reduction mean}: a common factor) and divides by the group mean ({@code --normalizer mean}: a common
 * factor); under {@code --scope local} only the order inside a group matters, so it ranks by Σw² over the group's
 * weights and biases. The ONNX default instead takes each tensor slice's ‖w‖₂, divides it by its mean and also
 * scores BatchNorm's running statistics; {@code --group-score sum} is exactly the native Σw². Both remove the
 * lowest-scored 25% of every group's channels: natively {@code --ratio 0.25 --step 0.25} (one step, 16/32/64 →
 * 12/24/48, scores of the dense model); on the ONNX side {@code --ratio} is a fraction of parameters, so the test
 * passes the fraction those widths remove (the local allocation then keeps exactly 12/24/48).
 */
class ResnetOnnxNativeParityTest {
    @TempDir
    Path dir;

    @Test
    void l2LocalPruningRemovesTheNativeChannelsWithTheNativeAccuracy() {
        Path onnx = dir.resolve("r20.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            OnnxExportFile.write(VisionOnnxExport.build(VisionModels.load("resnet20", VisionOnnxExportTest.RESNET20, m),
                    OnnxExportOptions.defaults()), onnx);
        }
        Path nativePruned = dir.resolve("native.safetensors");
        assertEquals(0, Main.run("prune", "--arch", "resnet20", "--model", VisionOnnxExportTest.RESNET20.toString(), "--method", "l2",
                "--scope", "local", "--ratio", "0.25", "--step", "0.25", "--latency-reps", "1", "--out", nativePruned.toString()));

        AnalysedModel dense = AnalysedModel.load(onnx);
        assertEquals(12, dense.analysis.groups.size(), "prunable groups on the ONNX side: " + dense.stoppedBy());
        Map<Space, Long> quarterOff = new HashMap<>();
        for (GroupAnalysis.Group g : dense.analysis.groups) {
            quarterOff.put(g.root(), g.units() * 3 / 4);
        }
        long p0 = dense.cost.prunableParameters(Map.of());
        double ratio = (p0 - dense.cost.prunableParameters(quarterOff) - 0.5) / p0;
        Path onnxPruned = dir.resolve("r20-pruned.onnx");
        assertEquals(0, Main.run("prune", "--onnx", onnx.toString(), "--method", "l2", "--scope", "local", "--group-score", "sum",
                "--ratio", Double.toString(ratio), "--out", onnxPruned.toString()));

        Dataset data = Cifar10Binary.read(VisionOnnxExportTest.IMAGES, VisionModels.spec("resnet20").normalization());
        float[] images = VisionOnnxExportTest.images(data);
        float[] expected;
        double nativeAccuracy;
        ModelProto nativeExport;
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load("resnet20", nativePruned, m);
            nativeAccuracy = ImageClassificationEval.evaluate(model, data, 100).accuracy();
            expected = model.forward(m.create(images, new Shape(data.size(), 3, 32, 32))).toFloatArray();
            nativeExport = VisionOnnxExport.build(model, OnnxExportOptions.defaults());
        }
        ModelProto pruned = OnnxModelReader.read(onnxPruned);
        // the same channels removed: every weight, bias and statistic of the natively pruned model, sliced on the ONNX side
        Map<String, TensorProto> got = new HashMap<>();
        pruned.getGraph().getInitializerList().forEach(t -> got.put(t.getName(), t));
        int compared = 0;
        for (TensorProto want : nativeExport.getGraph().getInitializerList()) {
            if (!OnnxTensors.type(want).isFloating()) {
                continue;
            }
            TensorProto have = got.get(want.getName());
            assertTrue(have != null, "pruned ONNX model lacks " + want.getName());
            assertArrayEquals(OnnxTensors.shape(want), OnnxTensors.shape(have), want.getName());
            assertArrayEquals(OnnxTensors.toFloats(want), OnnxTensors.toFloats(have), 0f, want.getName());
            compared++;
        }
        assertEquals(19 * 5 + 2, compared, "convolutions, batch norms and the classifier compared");
        assertArrayEquals(new long[] {12, 3, 3, 3}, OnnxTensors.shape(got.get("conv1.weight")));
        assertArrayEquals(new long[] {48, 48, 3, 3}, OnnxTensors.shape(got.get("layer3.2.conv2.weight")));
        // the option-A shortcuts became index maps (Gather) of the pruned streams
        assertEquals(2, pruned.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gather")).count());
        assertTrue(pruned.getGraph().getNodeList().stream().map(NodeProto::getOpType).noneMatch("Pad"::equals));

        float[] actual;
        try (OnnxRunner ort = OnnxRunner.open(pruned, "pruned ResNet-20", 1)) {
            actual = ort.run(Map.of("input", InputTensor.ofFloats(new long[] {data.size(), 3, 32, 32}, images)), List.of("logits"))
                    .get("logits").values();
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
        }
        assertEquals(nativeAccuracy, VisionOnnxExportTest.accuracy(actual, data), 0.0, "accuracy, ONNX Runtime vs prune4j");
    }
}
