package org.prune4j.internal.prune.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.export.VisionOnnxExportTest;
import org.prune4j.internal.io.onnx.proto.Onnx.NodeProto;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

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
        ResnetOnnxNativeParity.Result r = ResnetOnnxNativeParity.run("resnet20", VisionOnnxExportTest.RESNET20, VisionOnnxExportTest.IMAGES, dir);
        // the same channels removed: every weight, bias and statistic of the natively pruned model equals the ONNX-pruned one
        assertEquals(List.of(), r.mismatched());
        assertEquals(19 * 5 + 2, r.compared(), "convolutions, batch norms and the classifier compared");
        Map<String, TensorProto> got = new HashMap<>();
        r.pruned().getGraph().getInitializerList().forEach(t -> got.put(t.getName(), t));
        assertArrayEquals(new long[] {12, 3, 3, 3}, OnnxTensors.shape(got.get("conv1.weight")));
        assertArrayEquals(new long[] {48, 48, 3, 3}, OnnxTensors.shape(got.get("layer3.2.conv2.weight")));
        // the option-A shortcuts became index maps (Gather) of the pruned streams; each keeps one of its two zero
        // blocks (for the zero channel), the other one's nodes are dropped
        List<String> ops = r.pruned().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(2, ops.stream().filter("Gather"::equals).count(), ops.toString());
        assertEquals(2, ops.stream().filter("ConstantOfShape"::equals).count(), ops.toString());
        assertTrue(r.paramsPruned() < r.paramsDense());
        assertEquals(r.nativeLogits().length, r.onnxLogits().length);
        for (int i = 0; i < r.nativeLogits().length; i++) {
            assertEquals(r.nativeLogits()[i], r.onnxLogits()[i], 1e-4, "logit " + i);
        }
        assertEquals(r.nativeAccuracy(), r.onnxAccuracy(), 0.0, "accuracy, ONNX Runtime vs prune4j");
    }
}
