package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Checkpoints;

/** Every checkpoint prune4j writes is readable by eval and inspect; formats are recognised by content (issue 14). */
class OwnCheckpointsReadableTest {
    @TempDir
    Path dir;

    @Test
    void aTrainingCheckpointWithMasksIsReadByEvalAndInspect() throws Exception {
        Path th = VisionEvalTest.resource("/checkpoints/resnet20-12fca82f.th");
        Path saved = dir.resolve("trained.safetensors");
        long masked;
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load("resnet20", th, m);
            Parameter fc = model.namedParameters().get("linear.weight");
            float[] keep = new float[(int) fc.value().size()];
            for (int i = 0; i < keep.length; i += 2) {
                keep[i] = 1;
            }
            masked = keep.length - keep.length / 2 - (keep.length % 2);
            try (NDArray mask = m.create(keep, fc.value().getShape())) {
                fc.setMask(mask);
            }
            Checkpoints.save(saved, model, Map.of());
        }
        Path images = dir.resolve("first100.bin");
        Files.write(images, java.util.Arrays.copyOf(Files.readAllBytes(VisionEvalTest.resource("/data/cifar10/test_batch.bin")),
                100 * 3073));

        CliRun eval = CliRun.of("eval", "--model", saved.toString(), "--arch", "resnet20", "--images", images.toString(), "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode e = new ObjectMapper().readTree(eval.out());
        assertEquals(saved.toString(), e.get("model").asText());
        assertEquals("resnet20", e.get("architecture").asText());

        CliRun inspect = CliRun.of("inspect", "--model", saved.toString(), "--json");
        assertEquals(0, inspect.code(), inspect.err());
        JsonNode i = new ObjectMapper().readTree(inspect.out());
        assertTrue(i.get("masks").asBoolean());
        assertTrue(i.get("zero_parameters").asLong() >= masked, inspect.out());
        CliRun inspectTh = CliRun.of("inspect", "--model", th.toString());
        assertEquals(0, inspectTh.code(), inspectTh.err());
        assertTrue(inspectTh.out().contains("conv1.weight"), inspectTh.out());
    }

    @Test
    void aVisionCheckpointGivenAsALlamaModelIsNamedForWhatItIs() {
        Path th = VisionEvalTest.resource("/checkpoints/resnet20-12fca82f.th");
        CliRun r = CliRun.of("generate", "--model", th.toString(), "--prompt", "x");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a PyTorch checkpoint (legacy pickle); pass --arch NAME"), r.err());
    }
}
