package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.api.ProtocolSlices;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecipeFormat;

/**
 * Recovery as a recipe stage: {@code recover --print-recipe} prints a recipe (model = the pruned input,
 * method none) that replays the recovery bit for bit; a recipe that prunes (unstructured or structured) and
 * then recovers writes the recovered model, its report carries the recovery's figures, and it replays bit
 * for bit. A few training steps on stories260K keep it fast.
 */
class RecoveryRecipeTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static String train;
    static String eval;

    @BeforeAll
    static void slices() {
        train = ProtocolSlices.write(shared.resolve("train.safetensors"), "calib_ids", 16);
        eval = ProtocolSlices.write(shared.resolve("eval.safetensors"), "eval_ids", 4);
    }

    @Test
    void recoverPrintsARecipeThatReplaysBitForBit() throws Exception {
        Path pruned = dir.resolve("pruned.bin");
        CliRun p = CliRun.of("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "2:4", "--eval-ids", eval,
                "--out", pruned.toString());
        assertEquals(0, p.code(), p.err());
        Path first = dir.resolve("first.bin");
        String[] recover = {"recover", "--model", pruned.toString(), "--method", "masked-lora", "--rank", "4", "--train-ids", train,
            "--eval-ids", eval, "--steps", "3", "--batch", "4", "--lr", "3e-3", "--out", first.toString()};
        CliRun printed = CliRun.of(append(recover, "--print-recipe"));
        assertEquals(0, printed.code(), printed.err());
        assertFalse(Files.exists(first), "--print-recipe runs nothing");
        Recipe recipe = RecipeFormat.parse(printed.out(), "printed");
        assertEquals("none", recipe.method().name());
        assertEquals("masked-lora", recipe.recovery().method());
        assertEquals(4, recipe.recovery().rank());
        assertEquals(3, recipe.recovery().steps());

        CliRun ran = CliRun.of(append(recover, "--json"));
        assertEquals(0, ran.code(), ran.err());
        JsonNode firstReport = ran.json();
        Path reportFile = dir.resolve("first.bin.report.json");
        assertEquals(firstReport, new ObjectMapper().readTree(reportFile.toFile()));
        assertEquals(recipe, RecipeFormat.fromReport(reportFile), "the report embeds the recipe --print-recipe showed");

        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, printed.out());
        Path second = dir.resolve("second.bin");
        CliRun replay = CliRun.of("run", yaml.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical model bytes");
        JsonNode secondReport = replay.json();
        assertEquals(firstReport.get("recovered_ppl").doubleValue(), secondReport.get("recovered_ppl").doubleValue(), 0.0);
        assertEquals(firstReport.get("zeros_after"), secondReport.get("zeros_after"));
        assertEquals(firstReport.get("zeros_before"), firstReport.get("zeros_after"), "masked-lora keeps every zero");
    }

    private Path prunedModel() {
        Path pruned = dir.resolve("pruned.bin");
        CliRun p = CliRun.of("prune", "--model", "stories260K", "--method", "magnitude", "--sparsity", "2:4", "--eval-ids", eval,
                "--out", pruned.toString());
        assertEquals(0, p.code(), p.err());
        return pruned;
    }

    @Test
    void recoverPrintsKeepAdaptersCheckpointAndTrackPplAsRecoveryKeys() throws Exception {
        Path pruned = prunedModel();
        String[] recover = {"recover", "--model", pruned.toString(), "--method", "lora", "--train-ids", train, "--eval-ids", eval,
            "--steps", "2", "--out", dir.resolve("never.bin").toString(), "--print-recipe"};
        CliRun plain = CliRun.of(recover);
        assertEquals(0, plain.code(), plain.err());
        for (String key : new String[] {"keep_adapters", "checkpoint", "track_ppl"}) {
            assertFalse(plain.out().contains(key), "not set, not printed: " + key + "\n" + plain.out());
        }
        Path ckpt = Path.of("never-written-state.safetensors").toAbsolutePath().normalize(); // relative on the command line
        String[][] options = {{"--keep-adapters"}, {"--checkpoint", "never-written-state.safetensors"}, {"--track-ppl"}};
        String[] keys = {"keep_adapters: true", "checkpoint: \"" + ckpt + "\"", "track_ppl: true"};
        for (int i = 0; i < options.length; i++) {
            CliRun printed = CliRun.of(append(recover, options[i]));
            assertEquals(0, printed.code(), printed.err());
            assertTrue(printed.out().contains(keys[i]), "expected '" + keys[i] + "' in:\n" + printed.out());
            Recipe r = RecipeFormat.parse(printed.out(), "printed");
            assertEquals(i == 0, r.recovery().keepAdapters());
            assertEquals(i == 1 ? ckpt.toAbsolutePath().toString() : null, r.recovery().checkpoint());
            assertEquals(i == 2, r.recovery().trackPpl());
            assertEquals(r, RecipeFormat.parse(RecipeFormat.toYaml(r), "again"), "YAML round trip");
        }
        assertFalse(Files.exists(dir.resolve("never.bin")), "--print-recipe runs nothing");
        assertFalse(Files.exists(ckpt));
    }

    @Test
    void keepAdaptersAndTrackPplReplayToTheSameBytes() throws Exception {
        Path pruned = prunedModel();
        Path first = dir.resolve("first.bin");
        String[] recover = {"recover", "--model", pruned.toString(), "--method", "lora", "--rank", "4", "--train-ids", train,
            "--eval-ids", eval, "--steps", "3", "--eval-every", "1", "--batch", "4", "--lr", "3e-3", "--keep-adapters",
            "--track-ppl", "--out", first.toString()};
        CliRun printed = CliRun.of(append(recover, "--print-recipe"));
        assertEquals(0, printed.code(), printed.err());
        CliRun ran = CliRun.of(append(recover, "--json"));
        assertEquals(0, ran.code(), ran.err());
        JsonNode firstReport = ran.json();
        assertEquals(4, firstReport.get("perplexity_curve").size(), "pruned + 3 validations: " + firstReport);
        assertEquals(firstReport.get("zeros_before"), firstReport.get("zeros_after"), "adapters kept apart, nothing merged");
        Path firstAdapters = dir.resolve("first.bin.adapters.safetensors");
        assertTrue(Files.isRegularFile(firstAdapters));
        assertEquals(RecipeFormat.parse(printed.out(), "printed"), RecipeFormat.fromReport(dir.resolve("first.bin.report.json")));

        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, printed.out());
        Path second = dir.resolve("second.bin");
        CliRun replay = CliRun.of("run", yaml.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical model bytes");
        assertArrayEquals(Files.readAllBytes(firstAdapters), Files.readAllBytes(dir.resolve("second.bin.adapters.safetensors")),
                "identical adapter bytes");
        assertEquals(firstReport.get("perplexity_curve"), replay.json().get("perplexity_curve"));
    }

    @Test
    void aReplayOfACheckpointedRecoveryResumesFromTheCheckpoint() throws Exception {
        Path pruned = prunedModel();
        Path ckpt = dir.resolve("state.safetensors");
        Path first = dir.resolve("first.bin");
        String[] recover = {"recover", "--model", pruned.toString(), "--method", "masked-lora", "--rank", "4", "--train-ids", train,
            "--steps", "2", "--batch", "4", "--checkpoint", ckpt.toString(), "--out", first.toString()};
        CliRun printed = CliRun.of(append(recover, "--print-recipe"));
        assertEquals(0, printed.code(), printed.err());
        CliRun ran = CliRun.of(append(recover, "--json"));
        assertEquals(0, ran.code(), ran.err());
        assertEquals(0, ran.json().get("resumed_from_step").asLong());
        assertTrue(Files.isRegularFile(ckpt), "the checkpoint is written");
        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, printed.out());
        Path second = dir.resolve("second.bin");
        CliRun replay = CliRun.of("run", yaml.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        assertEquals(2, replay.json().get("resumed_from_step").asLong(), "the replay resumes from the checkpoint, as recover does");
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical model bytes");
    }

    @Test
    void aRecipeThatPrunesThenRecoversKeepsTheAdaptersBesideItsOutput() throws Exception {
        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, """
                model: {path: stories260K}
                method: {name: wanda, sparsity: 0.5}
                recovery: {method: lora, rank: 4, train_ids: "%s", steps: 2, eval_every: 1, batch: 4, keep_adapters: true, track_ppl: true}
                evaluation: {ids: "%s"}
                """.formatted(train, eval));
        Path out = dir.resolve("out.bin");
        CliRun ran = CliRun.of("run", yaml.toString(), "--out", out.toString(), "--json");
        assertEquals(0, ran.code(), ran.err());
        JsonNode rec = ran.json().get("recovery");
        assertEquals(rec.get("zeros_before"), rec.get("zeros_after"), "the pruned model is written unmerged");
        assertEquals(3, rec.get("perplexity_curve").size(), rec.toString());
        assertTrue(Files.isRegularFile(dir.resolve("out.bin.adapters.safetensors")));
        Files.writeString(yaml, """
                model: {path: stories260K}
                method: {name: wanda, sparsity: 0.5}
                recovery: {method: lora, train_ids: "%s", steps: 2, keep_adapters: true}
                """.formatted(train));
        CliRun.of("run", yaml.toString()).assertUserError("recovery.keep_adapters: needs output.path");
    }

    @Test
    void aRecipeThatPrunesAndRecoversReplaysBitForBit() throws Exception {
        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, """
                model: {path: stories260K}
                method: {name: wanda, sparsity: 0.5}
                recovery: {method: masked-lora, train_ids: "%s", steps: 2, batch: 4, lr: 0.003}
                evaluation: {ids: "%s"}
                """.formatted(train, eval));
        Path first = dir.resolve("first.bin");
        CliRun ran = CliRun.of("run", yaml.toString(), "--out", first.toString(), "--json");
        assertEquals(0, ran.code(), ran.err());
        JsonNode report = ran.json();
        JsonNode rec = report.get("recovery");
        for (String key : new String[] {"pruned_ppl", "recovered_ppl", "sparsity_before", "sparsity_after", "trainable_parameters",
                "steps", "tokens_seen"}) {
            assertTrue(rec.has(key), "recovery key " + key + ": " + rec);
        }
        assertEquals(2, rec.get("steps").asInt());
        assertEquals(report.get("pruned_ppl").doubleValue(), rec.get("pruned_ppl").doubleValue(), 1e-9 * rec.get("pruned_ppl").doubleValue(),
                "recovery starts from the model pruning wrote");
        assertEquals(rec.get("zeros_before"), rec.get("zeros_after"));
        assertEquals(first.toString(), report.get("output").asText());
        assertEquals(Files.size(first), report.get("output_bytes").asLong());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".prune4j")), "no scratch folder left");
        }
        Path second = dir.resolve("second.bin");
        CliRun replay = CliRun.of("run", "--from-report", dir.resolve("first.bin.report.json").toString(), "--out",
                second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical model bytes");
        assertEquals(rec.get("recovered_ppl").doubleValue(), replay.json().get("recovery").get("recovered_ppl").doubleValue(), 0.0);
    }

    @Test
    void aStructuredRecipeRecoversItsSmallerModel() throws Exception {
        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, """
                model: {path: stories260K}
                method: {name: flap, ratio: 0.2}
                calibration: {ids: "%s", batch: 4}
                recovery: {method: norms-biases, train_ids: "%s", steps: 2, batch: 4}
                evaluation: {ids: "%s"}
                """.formatted(train, train, eval));
        Path out = dir.resolve("flap");
        CliRun ran = CliRun.of("run", yaml.toString(), "--out", out.toString(), "--json");
        assertEquals(0, ran.code(), ran.err());
        JsonNode report = ran.json();
        assertTrue(report.get("params_after").asLong() < report.get("params_before").asLong());
        assertEquals(report.get("pruned_ppl").doubleValue(), report.get("recovery").get("pruned_ppl").doubleValue(),
                1e-4 * report.get("pruned_ppl").doubleValue());
        assertTrue(report.get("recovery").get("trainable_parameters").asLong() > 0);
        assertEquals(report, new ObjectMapper().readTree(out.resolve("prune4j_report.json").toFile()));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
    }

    @Test
    void badRecoverySettingsAreOneLineErrorsNamingTheKey() throws Exception {
        Path yaml = dir.resolve("r.yaml");
        String head = "model: {path: stories260K}\nmethod: {name: wanda, sparsity: 0.5}\n";
        Files.writeString(yaml, head + "recovery: {method: norms-biases, train_ids: x.safetensors, steps: 2, rank: 4}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.rank: recovery.method norms-biases does not take this setting");
        Files.writeString(yaml, head + "recovery: {method: lora, train_ids: x.safetensors, steps: 0}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.steps must be >= 1");
        Files.writeString(yaml, head + "recovery: {method: lora, steps: 2}\n");
        CliRun.of("run", yaml.toString()).assertUserError("give train_text or train_ids");
        Files.writeString(yaml, head + "recovery: {method: lora, train_ids: x.safetensors, steps: two}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.steps: expected an integer");
        Files.writeString(yaml, head + "recovery: {method: lora, train_ids: x.safetensors, steps: 2, rnak: 4}\n");
        CliRun.of("run", yaml.toString()).assertUserError("unknown key 'recovery.rnak'");
        Files.writeString(yaml, head + "recovery: {method: lora, train_ids: x.safetensors, steps: 2, keep_adapters: 1}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.keep_adapters: expected true or false, got 1");
        Files.writeString(yaml, head + "recovery: {method: lora, train_ids: x.safetensors, steps: 2, track_ppl: yes please}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.track_ppl: expected true or false");
        Files.writeString(yaml, head + "recovery: {method: lora, train_ids: x.safetensors, steps: 2, checkpoint: [a]}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.checkpoint: expected a string, got a list");
        Files.writeString(yaml, head + "recovery: {method: norms-biases, train_ids: x.safetensors, steps: 2, keep_adapters: true}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.keep_adapters: recovery.method norms-biases trains no adapters");
        Files.writeString(yaml, "model: {path: /nowhere/pruned.bin}\nmethod: {name: none}\nrecovery: {method: lora, train_ids: "
                + "x.safetensors, steps: 2, track_ppl: true}\noutput: {path: " + dir.resolve("o.bin") + "}\n");
        CliRun.of("run", yaml.toString()).assertUserError("recovery.track_ppl: needs evaluation data");
        Files.writeString(yaml, "model: {path: stories260K}\nmethod: {name: none}\n");
        CliRun.of("run", yaml.toString()).assertUserError("nothing to run");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "nothing written but the recipe");
        }
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
