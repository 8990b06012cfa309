package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.train.Checkpoints;

/** {@code prune4j eval --arch vit-cifar-tiny --tokens …} on a seeded ViT and 100 CIFAR-10 test images. */
class TokenReductionEvalTest {
    @TempDir
    static Path dir;
    static Path checkpoint;
    static Path images;

    @BeforeAll
    static void writeModelAndImages() throws Exception {
        checkpoint = dir.resolve("vit.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoints.save(checkpoint, VisionModels.create("vit-cifar-tiny", manager, 11), Map.of());
        }
        images = dir.resolve("first100.bin");
        byte[] all = Files.readAllBytes(VisionEvalTest.resource("/data/cifar10/test_batch.bin"));
        Files.write(images, java.util.Arrays.copyOf(all, 100 * 3073));
    }

    @Test
    void reportsAccuracyMacsAndImagesPerSecondNextToTheDenseModel() throws Exception {
        CliRun r = CliRun.of("eval", "--arch", "vit-cifar-tiny", "--model", checkpoint.toString(), "--images",
                images.toString(), "--tokens", "tome:r=8", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        for (String key : new String[] {"accuracy", "images_per_s", "dense_accuracy", "dense_images_per_s", "macs",
                "dense_macs"}) {
            assertTrue(o.get(key).isNumber(), key + " in " + o);
        }
        assertEquals(100, o.get("images").asInt());
        assertTrue(o.get("macs").asLong() < o.get("dense_macs").asLong());
        int[] tokens = new int[6];
        for (int i = 0; i < 6; i++) {
            tokens[i] = o.get("tokens_per_layer").get(i).asInt();
        }
        assertArrayEquals(new int[] {65, 57, 49, 41, 33, 25}, tokens);

        CliRun plain = CliRun.of("eval", "--arch", "vit-cifar-tiny", "--model", checkpoint.toString(), "--images",
                images.toString(), "--json");
        assertEquals(0, plain.code(), plain.err());
        assertEquals(plain.json().get("accuracy").asDouble(), o.get("dense_accuracy").asDouble(), 0.0,
                "the dense figure is the ordinary evaluation");
    }

    @Test
    void badTokenSpecsAreOneLineErrors() {
        CliRun.of("eval", "--arch", "vit-cifar-tiny", "--model", checkpoint.toString(), "--images", images.toString(),
                "--tokens", "tome:r=40").assertUserError("r=40 must be between 1 and 32");
        CliRun.of("eval", "--arch", "vit-cifar-tiny", "--model", checkpoint.toString(), "--images", images.toString(),
                "--tokens", "evit:keep=1.2").assertUserError("keep=1.2 must be in (0, 1]");
        CliRun.of("eval", "--arch", "resnet20", "--model", VisionEvalTest.resource("/checkpoints/resnet20-12fca82f.th")
                .toString(), "--images", images.toString(), "--tokens", "tome:r=8")
                .assertUserError("--tokens needs a vision transformer");
        CliRun.of("eval", "--model", "stories260K", "--ids", "x.safetensors", "--tokens", "tome:r=8")
                .assertUserError("--tokens is for vision transformers");
    }
}
