package org.prune4j.internal.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;

class StateDictsTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheAkamasterWeightsIntoResnet20() {
        Map<String, TensorData> sd = PyTorchCheckpoint.readStateDict(PyTorchCheckpointTest.resnet20());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("resnet20", m, 0);
            NDArray runningVar = model.namedBuffers().get("layer3.2.bn2.running_var");
            StateDicts.load(model, sd, "resnet20.th");
            assertArrayEquals(sd.get("conv1.weight").toFloats(),
                    model.namedParameters().get("conv1.weight").value().toFloatArray());
            assertSame(runningVar, model.namedBuffers().get("layer3.2.bn2.running_var"), "buffers loaded in place");
            assertArrayEquals(sd.get("layer3.2.bn2.running_var").toFloats(), runningVar.toFloatArray());
            // round trip through StateDicts.of and safetensors
            Path st = dir.resolve("r20.safetensors");
            SafetensorsWriter.write(st, StateDicts.of(model), Map.of());
            VisionModel again = VisionModels.load("resnet20", st, m);
            assertArrayEquals(sd.get("linear.weight").toFloats(),
                    again.namedParameters().get("linear.weight").value().toFloatArray());
            assertArrayEquals(sd.get("bn1.running_mean").toFloats(),
                    again.namedBuffers().get("bn1.running_mean").toFloatArray());
        }
    }

    @Test
    void mismatchesNameTheFirstOffendingTensor() {
        Map<String, TensorData> sd = PyTorchCheckpoint.readStateDict(PyTorchCheckpointTest.resnet20());
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel r20 = VisionModels.create("resnet20", m, 0);
            float[] before = r20.namedParameters().get("conv1.weight").value().toFloatArray();

            Map<String, TensorData> wrongShape = new LinkedHashMap<>(sd);
            wrongShape.put("layer1.0.conv1.weight", TensorData.ofFloats(new long[] {32, 16, 3, 3}, new float[32 * 16 * 9]));
            UserError e = assertThrows(UserError.class, () -> StateDicts.load(r20, wrongShape, "ck.th"));
            assertEquals("ck.th: checkpoint tensor layer1.0.conv1.weight has shape [32,16,3,3], model expects"
                    + " [16,16,3,3]", e.getMessage());
            assertArrayEquals(before, r20.namedParameters().get("conv1.weight").value().toFloatArray(),
                    "nothing loaded when a check fails");

            VisionModel r32 = VisionModels.create("resnet32", m, 0);
            UserError missing = assertThrows(UserError.class, () -> StateDicts.load(r32, sd, "ck.th"));
            assertEquals("ck.th: the checkpoint lacks tensor layer1.3.conv1.weight that the model expects",
                    missing.getMessage());

            Map<String, TensorData> extra = new LinkedHashMap<>(sd);
            extra.put("fc.weight", TensorData.ofFloats(new long[] {1}, new float[1]));
            UserError unexpected = assertThrows(UserError.class, () -> StateDicts.load(r20, extra, "ck.th"));
            assertTrue(unexpected.getMessage().startsWith("ck.th: checkpoint tensor fc.weight [1] has no counterpart"
                    + " in the model"), unexpected.getMessage());

            Map<String, TensorData> withCounter = new LinkedHashMap<>(sd);
            withCounter.put("bn1.num_batches_tracked", TensorData.ofInts(new long[] {}, new int[] {5}));
            StateDicts.load(r20, withCounter, "ck.th"); // newer PyTorch batch-norm counters are ignored
        }
    }

    @Test
    void stripsTheDataParallelPrefixOnlyWhenEveryNameHasIt() {
        TensorData t = TensorData.ofFloats(new long[] {1}, new float[] {1});
        Map<String, TensorData> all = new LinkedHashMap<>();
        all.put("module.a", t);
        all.put("module.b", t);
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(StateDicts.stripPrefix(all, "module.").keySet()));
        Map<String, TensorData> some = new LinkedHashMap<>(all);
        some.put("c", t);
        assertSame(some, StateDicts.stripPrefix(some, "module."));
    }
}
