package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionEvalTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(VisionEvalTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(Path checkpoint, String arch, Path images, boolean json) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VisionEval.run(checkpoint, arch, images, json, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsOneJsonObjectWithTheAccuracy() throws Exception {
        Path images = dir.resolve("first100.bin");
        byte[] all = Files.readAllBytes(resource("/data/cifar10/test_batch.bin"));
        Files.write(images, java.util.Arrays.copyOf(all, 100 * 3073));
        Run r = run(resource("/checkpoints/resnet20-12fca82f.th"), "resnet20", images, true);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        JsonNode o = new ObjectMapper().readTree(lines[0]);
        assertEquals(0.94, o.get("accuracy").asDouble(), 1e-12);
        assertEquals(100, o.get("images").asInt());
        assertTrue(o.get("seconds").isNumber());
        Run text = run(resource("/checkpoints/resnet20-12fca82f.th"), "resnet20", images, false);
        assertTrue(text.out().contains("accuracy 94.00% (94/100)"), text.out());
    }

    @Test
    void badInputIsExitCode2WithAOneLineMessage() {
        Path ck = resource("/checkpoints/resnet20-12fca82f.th");
        Run unknown = run(ck, "resnet18", resource("/data/cifar10/test_batch.bin"), true);
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("prune4j: unknown vision architecture resnet18; valid: "), unknown.err());
        assertEquals("", unknown.out());

        Run wrongImages = run(ck, "resnet20", resource("/data/mnist/t10k-images-idx3-ubyte.gz"), true);
        assertEquals(2, wrongImages.code());
        assertTrue(wrongImages.err().contains("images are 1x28x28 but resnet20 expects 3x32x32"), wrongImages.err());

        Run wrongArch = run(ck, "resnet32", resource("/data/cifar10/test_batch.bin"), true);
        assertEquals(2, wrongArch.code());
        assertTrue(wrongArch.err().contains("lacks tensor layer1.3.conv1.weight"), wrongArch.err());
        assertEquals(1, wrongArch.err().strip().split("\n").length);
    }

    @Test
    void evaluatesIdxImagesWithTheirLabelsFile() {
        // an untrained-but-saved lenet: the point is the IDX path (labels found beside the images)
        Path st = dir.resolve("lenet.safetensors");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.prune4j.internal.io.SafetensorsWriter.write(st, org.prune4j.internal.io.pytorch.StateDicts.of(
                    org.prune4j.internal.model.vision.VisionModels.create("lenet-300-100", m, 1)), java.util.Map.of());
        }
        Run r = run(st, "lenet-300-100", resource("/data/mnist/t10k-images-idx3-ubyte.gz"), true);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"images\":300"), r.out());
    }
}
