package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.SafetensorsFile;

class PreCropCommandTest {
    static final String DATA = "src/test/resources/data";
    static final String FASHION_TEST = DATA + "/fashion-mnist/t10k-images-idx3-ubyte.gz";
    static final String CIFAR_TEST = DATA + "/cifar10/test_batch.bin";

    @TempDir
    Path dir;

    private static long[] shape(Path file, String name) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.get(name).shape();
        }
    }

    @Test
    void lenet5SynflowMeetsTheParameterBudgetHasConsistentShapesAndEvalLoadsIt() throws Exception {
        Path out = dir.resolve("l5.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.1",
                "--synflow-iterations", "20", "--latency-reps", "1", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        long target = j.get("target_weights").asLong();
        assertEquals(Math.round(0.1 * 430_500), target, "10% of LeNet-5's 430,500 conv/linear weights");
        long kept = j.get("prunable_weights_after").asLong();
        assertTrue(Math.abs(kept - target) <= 0.05 * target, "PreCrop-Params within rounding: " + kept + " vs " + target);
        assertEquals(kept, j.get("budget_cropped").asDouble(), 1.0, "predicted weights = the written model's");
        assertTrue(j.get("macs_after").asLong() < j.get("macs_before").asLong());
        int w1 = j.get("group_widths").get("conv1 out").get("cropped").asInt();
        int w2 = j.get("group_widths").get("conv2 out").get("cropped").asInt();
        int w3 = j.get("group_widths").get("fc1 out").get("cropped").asInt();
        assertArrayEquals(new long[] {w1, 1, 5, 5}, shape(out, "conv1.weight"));
        assertArrayEquals(new long[] {w2, w1, 5, 5}, shape(out, "conv2.weight"));
        assertArrayEquals(new long[] {w3, w2 * 16L}, shape(out, "fc1.weight"));
        assertArrayEquals(new long[] {10, w3}, shape(out, "fc2.weight"));
        assertEquals((long) w3 * w2 * 16, j.get("layers").get("fc1").get("weights_after").asLong());
        for (String layer : new String[] {"conv1", "conv2", "fc1", "fc2"}) {
            double d = j.get("layers").get(layer).get("pai_density").asDouble();
            assertTrue(d > 0 && d <= 1, layer + " density " + d);
        }
        CliRun e = CliRun.of("eval", "--arch", "lenet5", "--model", out.toString(), "--images", FASHION_TEST, "--json");
        assertEquals(0, e.code(), e.err());
    }

    @Test
    void macsBudgetKeepsTheMasksMacsAndThePredictedCostIsWhatTheModelHas() throws Exception {
        Path out = dir.resolve("l5-macs.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.2",
                "--budget", "macs", "--synflow-iterations", "10", "--latency-reps", "1", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("macs", j.get("budget").asText());
        long macsAfter = 0;
        double maskMacs = 0;
        for (JsonNode layer : j.get("layers")) {
            macsAfter += layer.get("macs_after").asLong();
            maskMacs += layer.get("macs_before").asLong() * layer.get("pai_density").asDouble();
        }
        // the widths' predicted MACs are the counted MACs of the written model; both near the masks' MACs
        assertEquals(j.get("budget_cropped").asDouble(), macsAfter, 1.0);
        assertEquals(maskMacs, j.get("budget_target").asDouble(), 1e-3 * maskMacs);
        assertTrue(Math.abs(macsAfter - maskMacs) <= 0.05 * maskMacs, macsAfter + " vs " + maskMacs);
    }

    @Test
    void sameSeedSameFileOtherSeedOtherWeights() throws Exception {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Path c = dir.resolve("c.safetensors");
        for (Object[] run : new Object[][] {{a, "5"}, {b, "5"}, {c, "6"}}) {
            CliRun r = CliRun.of("prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.2",
                    "--synflow-iterations", "5", "--latency-reps", "1", "--seed", (String) run[1], "--out", run[0].toString());
            assertEquals(0, r.code(), r.err());
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void printedRecipeReplaysToTheSameFileAndTheJsonReportEmbedsIt() throws Exception {
        Path direct = dir.resolve("direct.safetensors");
        String[] line = {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.2",
            "--synflow-iterations", "5", "--latency-reps", "1", "--seed", "3", "--out", direct.toString()};
        CliRun printed = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(line), java.util.stream.Stream.of(
                "--print-recipe")).toArray(String[]::new));
        assertEquals(0, printed.code(), printed.err());
        assertTrue(printed.out().contains("job: \"prune-precrop\"") && printed.out().contains("density: 0.2"), printed.out());
        assertFalse(Files.exists(direct), "--print-recipe runs nothing");
        Path recipe = dir.resolve("r.yaml");
        Files.writeString(recipe, printed.out());
        CliRun run = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(line), java.util.stream.Stream.of(
                "--json")).toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals("prune-precrop", j.get("recipe").get("job").asText());
        assertEquals(0.2, j.get("recipe").get("method").get("density").asDouble());
        Path replayed = dir.resolve("replayed.safetensors");
        CliRun replay = CliRun.of("run", recipe.toString(), "--out", replayed.toString());
        assertEquals(0, replay.code(), replay.err());
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(replayed), "run of the printed recipe writes the same bytes");
    }

    @Test
    void resnet20CoupledResidualChannelsGetOneWidthPerGroupAndEvalLoadsIt() throws Exception {
        Path out = dir.resolve("r20.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "resnet20", "--method", "precrop-synflow", "--density", "0.3",
                "--synflow-iterations", "5", "--round-to", "4", "--latency-reps", "1", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        // stage 1's residual stream: the stem conv and every block's conv2 write it, so they share one width
        long stream1 = shape(out, "conv1.weight")[0];
        for (int b = 0; b < 3; b++) {
            assertEquals(stream1, shape(out, "layer1." + b + ".conv2.weight")[0], "block " + b);
            assertEquals(stream1, shape(out, "layer1." + b + ".bn2.weight")[0]);
            assertEquals(stream1, shape(out, "layer1." + b + ".conv1.weight")[1]);
        }
        long stream3 = shape(out, "layer3.0.conv2.weight")[0];
        for (int b = 1; b < 3; b++) {
            assertEquals(stream3, shape(out, "layer3." + b + ".conv2.weight")[0]);
        }
        assertEquals(stream3, shape(out, "linear.weight")[1]);
        assertEquals(j.get("group_widths").get("conv1 out").get("cropped").asLong(), stream1);
        j.get("group_widths").forEach(g -> {
            int w = g.get("cropped").asInt();
            assertTrue(w % 4 == 0 || w == g.get("dense").asInt(), "--round-to 4: " + g);
        });
        long kept = j.get("prunable_weights_after").asLong();
        long target = j.get("target_weights").asLong();
        assertTrue(Math.abs(kept - target) <= 0.1 * target, kept + " vs " + target);
        CliRun e = CliRun.of("eval", "--arch", "resnet20", "--model", out.toString(), "--images", CIFAR_TEST, "--json");
        assertEquals(0, e.code(), e.err());
    }

    @Test
    void snipScoresOnTrainingImagesAndTrainsTheCroppedNetworkFromScratch() throws Exception {
        Path out = dir.resolve("snip.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "lenet5", "--method", "precrop-snip", "--density", "0.3",
                "--score-examples", "50", "--dataset", "fashion-mnist", "--data-dir", DATA, "--finetune-epochs", "1",
                "--batch-size", "50", "--lr", "0.05", "--images", FASHION_TEST, "--latency-reps", "1", "--out",
                out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("precrop-snip", j.get("method").asText());
        assertEquals(1, j.get("train_epochs").asInt());
        assertEquals(300, j.get("train_images").asInt());
        assertTrue(j.has("accuracy"));
        CliRun e = CliRun.of("eval", "--arch", "lenet5", "--model", out.toString(), "--images", FASHION_TEST, "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(j.get("accuracy").asDouble(), new ObjectMapper().readTree(e.out()).get("accuracy").asDouble(), 1e-9);
    }

    @Test
    void graspScoresOnTrainingImagesAndMeetsTheBudget() throws Exception {
        Path out = dir.resolve("grasp.safetensors");
        CliRun r = CliRun.of("prune", "--arch", "lenet5", "--method", "precrop-grasp", "--density", "0.2",
                "--score-examples", "50", "--dataset", "fashion-mnist", "--data-dir", DATA, "--latency-reps", "1", "--out",
                out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("precrop-grasp", j.get("method").asText());
        long kept = j.get("prunable_weights_after").asLong();
        long target = j.get("target_weights").asLong();
        assertEquals(Math.round(0.2 * 430_500), target);
        assertTrue(Math.abs(kept - target) <= 0.05 * target, kept + " vs " + target);
    }

    @Test
    void helpListsThePreCropOptions() {
        CliRun r = CliRun.of("prune", "--arch", "lenet5", "--method", "precrop-synflow", "--help");
        assertEquals(0, r.code(), r.err());
        for (String option : new String[] {"--density", "--budget", "--round-to", "--synflow-iterations"}) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        CliRun structural = CliRun.of("prune", "--arch", "lenet5", "--help");
        assertTrue(structural.out().contains("precrop-synflow"), structural.out());
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() {
        Path out = dir.resolve("x.safetensors");
        String o = out.toString();
        String[][] cases = {
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "1.5", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "-0.2", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-magnitude", "--density", "0.5", "--out", o},
            {"prune", "--arch", "vit-cifar-tiny", "--method", "precrop-synflow", "--density", "0.5", "--out", o},
            {"prune", "--arch", "resnet99", "--method", "precrop-synflow", "--density", "0.5", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-snip", "--density", "0.5", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.5", "--budget", "bytes", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.5", "--round-to", "0", "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.5", "--finetune-epochs", "1",
                "--out", o},
            {"prune", "--arch", "lenet5", "--method", "precrop-synflow", "--density", "0.5", "--out", dir.resolve("x.pt").toString()},
            {"prune", "--arch", "conv2", "--method", "precrop-grasp", "--density", "0.5", "--dataset", "fashion-mnist",
                "--data-dir", DATA, "--out", o},
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
