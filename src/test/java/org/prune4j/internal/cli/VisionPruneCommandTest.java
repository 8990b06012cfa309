package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionPruneCommandTest {
    static final String RESNET20 = "src/test/resources/checkpoints/resnet20-12fca82f.th";
    static final String IMAGES = "src/test/resources/data/cifar10/test_batch.bin";

    @TempDir
    Path dir;

    @Test
    void prunesResnet20ToHalfTheMacsAndEvalReloadsIt() throws Exception {
        Path out = dir.resolve("r20.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--scope", "local",
                "--target-macs", "0.5", "--images", IMAGES, "--latency-reps", "2", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String key : new String[] {"accuracy_before", "accuracy_after", "macs_before", "macs_after", "params_before",
            "params_after"}) {
            assertTrue(j.has(key), key);
        }
        assertTrue(j.get("macs_after").asDouble() <= 0.5 * j.get("macs_before").asDouble());
        assertTrue(j.get("params_after").asLong() < j.get("params_before").asLong());
        assertTrue(j.get("accuracy_before").asDouble() > 0.85, "dense ResNet-20 on the 200 test images");
        JsonNode lat = j.get("latency_ms");
        for (String b : new String[] {"batch_1", "batch_64"}) {
            assertTrue(lat.get(b).get("dense").get("median").asDouble() > 0);
            assertTrue(lat.get(b).get("pruned").get("median").asDouble() > 0);
        }
        CliRun e = CliRun.of("eval", "--arch", "resnet20", "--model", out.toString(), "--images", IMAGES, "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(j.get("accuracy_after").asDouble(), new ObjectMapper().readTree(e.out()).get("accuracy").asDouble(), 1e-9);
    }

    @Test
    void inspectGroupsPrintsTheStagesAndTheShortcutMap() {
        CliRun r = CliRun.of("inspect", "--arch", "resnet20", "--model", RESNET20, "--groups");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("group 0: conv1 out, 16 channels"), r.out());
        assertTrue(r.out().contains("layer2.0.shortcut OUT: index map out[8..23] <- in[0..15], 16 zero channels"), r.out());
        assertTrue(r.out().contains("layer1.0.bn2 IN: layer1.0.bn2.weight dim 0, layer1.0.bn2.bias dim 0,"
                + " layer1.0.bn2.running_mean dim 0, layer1.0.bn2.running_var dim 0"), r.out());
        assertTrue(r.out().contains("(pinned: linear: reaches the model output)"), r.out());
    }

    @Test
    void sparsityTrainingBeforePruningShrinksTheGroupNormsAndIsReported() throws Exception {
        Path dense = dir.resolve("lenet5.safetensors");
        try (ai.djl.ndarray.NDManager nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.prune4j.internal.prune.structural.StructuralPruneJob.save(org.prune4j.internal.model.vision.VisionModels.create("lenet5", nd, 1),
                    dense, false);
        }
        Path out = dir.resolve("lenet5-pruned.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "lenet5", "--model", dense.toString(), "--method", "l2", "--ratio", "0.5",
                "--sparsity-train-epochs", "1", "--reg", "group-norm", "--reg-lambda", "0.5", "--lr", "0.05",
                "--batch-size", "50", "--dataset", "fashion-mnist", "--data-dir", "src/test/resources/data",
                "--latency-reps", "1", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("group-norm", j.get("reg").asText());
        assertEquals(0.5, j.get("reg_lambda").asDouble());
        assertEquals(1, j.get("sparsity_train_epochs").asInt());
        assertTrue(j.get("reg_group_norm_after").asDouble() < 0.9 * j.get("reg_group_norm_before").asDouble(), r.out());
        assertFalse(j.has("reg_bn_l1_before"), "LeNet-5 has no batch norm");
        assertTrue(Files.exists(out));
    }

    @Test
    void taylorCalibratesOnCalibImagesNotOnTheEvaluationImages() throws Exception {
        // the evaluation images are the 200 test records; the calibration set their last 100 records only
        Path calib = dir.resolve("last100.bin");
        byte[] all = Files.readAllBytes(Path.of(IMAGES));
        int record = 3073;
        Files.write(calib, java.util.Arrays.copyOfRange(all, all.length - 100 * record, all.length));
        String[] common = {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "taylor", "--ratio", "0.3",
            "--images", IMAGES, "--latency-reps", "1", "--json"};
        Path onEval = dir.resolve("on-eval.safetensors");
        Path sameFile = dir.resolve("same-file.safetensors");
        Path onCalib = dir.resolve("on-calib.safetensors");
        CliRun a = CliRun.of(concat(common, "--out", onEval.toString()));
        CliRun b = CliRun.of(concat(common, "--calib-images", IMAGES, "--out", sameFile.toString()));
        CliRun c = CliRun.of(concat(common, "--calib-images", calib.toString(), "--out", onCalib.toString()));
        for (CliRun r : new CliRun[] {a, b, c}) {
            assertEquals(0, r.code(), r.err());
        }
        ObjectMapper om = new ObjectMapper();
        assertEquals("images", om.readTree(a.out()).get("calibration_source").asText());
        assertEquals(200, om.readTree(a.out()).get("calibration_images").asInt());
        JsonNode jc = om.readTree(c.out());
        assertEquals("calib-images", jc.get("calibration_source").asText());
        assertEquals(100, jc.get("calibration_images").asInt());
        assertEquals(200, jc.get("eval_images").asInt(), "accuracy still measured on --images");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(onEval), Files.readAllBytes(sameFile)),
                "the same images given as --calib-images rank the same");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(onEval), Files.readAllBytes(onCalib)),
                "other calibration images give another ranking");
        CliRun bad = CliRun.of("prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.3",
                "--calib-images", calib.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--calib-images is for --method taylor"), bad.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void helpWithArchListsTheVisionOptions() {
        CliRun r = CliRun.of("prune", "--arch", "resnet20", "--help");
        assertEquals(0, r.code(), r.err());
        for (String option : new String[] {"--target-macs", "--distill", "--sparsity-train-epochs", "--reg", "--reg-lambda"}) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() {
        Path out = dir.resolve("x.safetensors");
        String[][] cases = {
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--target-macs", "1.5", "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--target-macs", "0", "--out", out.toString()},
            {"prune", "--arch", "resnet32", "--model", RESNET20, "--method", "l2", "--target-macs", "0.5", "--out", out.toString()},
            {"prune", "--arch", "lenet5", "--model", RESNET20, "--method", "l2", "--target-macs", "0.5", "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--target-macs", "0.01", "--max-ratio", "0.5",
                "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "nope", "--ratio", "0.5", "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--reg", "group-norm",
                "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--reg-lambda", "0.1",
                "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--sparsity-train-epochs", "1",
                "--out", out.toString(), "--dataset", "cifar10", "--data-dir", "src/test/resources/data"},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--sparsity-train-epochs", "1",
                "--reg", "bn-l1", "--reg-lambda", "0", "--dataset", "cifar10", "--data-dir", "src/test/resources/data",
                "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--sparsity-train-epochs", "1",
                "--reg", "group-norm", "--reg-lambda", "-1", "--dataset", "cifar10", "--data-dir", "src/test/resources/data",
                "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--sparsity-train-epochs", "1",
                "--reg", "group-lasso", "--dataset", "cifar10", "--data-dir", "src/test/resources/data", "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--sparsity-train-epochs", "1",
                "--reg", "group-norm", "--out", out.toString()},
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.5", "--sparsity-train-epochs", "-1",
                "--reg", "group-norm", "--out", out.toString()},
            // 28x28 grey Fashion-MNIST images cannot train a CIFAR ResNet (was an internal error after pruning)
            {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l2", "--ratio", "0.1", "--finetune-epochs", "1",
                "--dataset", "fashion-mnist", "--data-dir", "src/test/resources/data", "--out", out.toString()},
        };
        for (String[] args : cases) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
            String msg = r.err().lines().filter(l -> l.startsWith("prune4j:")).findFirst().orElse("");
            assertFalse(msg.isEmpty(), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", args));
        }
    }
}
