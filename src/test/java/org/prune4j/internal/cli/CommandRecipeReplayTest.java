package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.api.JobRecipe;
import org.prune4j.api.ProtocolSlices;
import org.prune4j.api.RecipeFormat;
import org.prune4j.internal.experiment.Fixtures;
import org.prune4j.internal.io.onnx.OnnxModelWriter;
import org.prune4j.internal.prune.onnx.OnnxTestModels;

/**
 * {@code prune4j run} of the recipe a command prints (or its JSON report embeds) runs exactly what the
 * command runs: the same standard output, the same figures, the same output bytes; and bad keys in the
 * new sections are one-line errors with exit code 2.
 */
class CommandRecipeReplayTest {
    static final String RESNET20 = VisionPruneCommandTest.RESNET20;
    static final String IMAGES = VisionPruneCommandTest.IMAGES;

    @TempDir
    Path dir;

    /** The recipe the command line prints, written to a file (nothing run). */
    private Path printed(String name, String... command) throws Exception {
        CliRun r = CliRun.of(append(command, "--print-recipe"));
        assertEquals(0, r.code(), r.err());
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, r.out());
        return f;
    }

    @Test
    void generateReplaysTheSameText() throws Exception {
        String[] cmd = {"generate", "--model", "stories260K", "--steps", "40", "--temperature", "0.8", "--top-p", "0.95",
            "--seed", "7", "--prompt", "Once upon a time"};
        Path recipe = printed("generate", cmd);
        CliRun direct = CliRun.of(cmd);
        CliRun replay = CliRun.of("run", recipe.toString());
        assertEquals(0, replay.code(), replay.err());
        assertTrue(direct.out().length() > 40, direct.out());
        assertEquals(direct.out(), replay.out(), "the same text, byte for byte");

        CliRun shown = CliRun.of("run", recipe.toString(), "--print-recipe");
        assertEquals(Files.readString(recipe), shown.out(), "run --print-recipe prints the recipe it would run");
        Path shortRecipe = dir.resolve("short.yaml");
        Files.writeString(shortRecipe, "job: generate\nmodel: {path: stories260K}\n"
                + "generation: {steps: 40, temperature: 0.8, top_p: 0.95, seed: 7, prompt: Once upon a time}\n");
        assertEquals(Files.readString(recipe), CliRun.of("run", shortRecipe.toString(), "--print-recipe").out(),
                "left-out keys are printed with the command's defaults");
        assertEquals(direct.out(), CliRun.of("run", shortRecipe.toString()).out());

        CliRun json = CliRun.of("run", recipe.toString(), "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode report = json.json();
        assertEquals(RecipeFormat.readJob(recipe), RecipeFormat.jobFromTree(report.get("recipe"), "report"),
                "the report embeds the recipe");
        Path reportFile = dir.resolve("generate.json");
        Files.writeString(reportFile, json.out());
        CliRun fromReport = CliRun.of("run", "--from-report", reportFile.toString());
        assertEquals(direct.out(), fromReport.out(), "the report's recipe replays too");
    }

    @Test
    void evalReplaysTheSamePerplexity() throws Exception {
        String ids = ProtocolSlices.write(dir.resolve("eval.safetensors"), "eval_ids", 4);
        String[] cmd = {"eval", "--model", "stories260K", "--ids", ids, "--max-windows", "3", "--json"};
        Path recipe = printed("eval", cmd);
        JsonNode direct = CliRun.of(cmd).json();
        CliRun replay = CliRun.of("run", recipe.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        JsonNode again = replay.json();
        assertEquals(3, direct.get("windows").asInt());
        assertEquals(direct.get("ppl").doubleValue(), again.get("ppl").doubleValue(), 0.0);
        assertEquals(direct.get("window_losses"), again.get("window_losses"));
        assertEquals(withoutTimes(direct), withoutTimes(again), "the same report but the timings");
        assertEquals(RecipeFormat.readJob(recipe), RecipeFormat.jobFromTree(direct.get("recipe"), "report"));
    }

    @Test
    void kvCacheAndPrefillEvalsEmbedTheirRecipeAndReplay() throws Exception {
        Path text = dir.resolve("story.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily. She loved to play in the park with her"
                + " friends. One day, she saw a big red ball under a tree and ran to get it.");
        String t = text.toString();
        String[][] cmds = {
            {"eval", "--model", "stories260K", "--text", t, "--seqlen", "32", "--max-windows", "1", "--kv", "sinks",
                "--kv-budget", "16", "--json"},
            {"eval", "--model", "stories260K", "--text", t, "--seqlen", "32", "--max-windows", "1", "--prefill-keep", "0.5",
                "--json"}};
        for (String[] cmd : cmds) {
            Path recipe = printed("kv", cmd);
            JsonNode direct = CliRun.of(cmd).json();
            JsonNode again = CliRun.of("run", recipe.toString(), "--json").json();
            assertEquals(direct.get("ppl").doubleValue(), again.get("ppl").doubleValue(), 0.0, String.join(" ", cmd));
            assertEquals(RecipeFormat.readJob(recipe), RecipeFormat.jobFromTree(direct.get("recipe"), "report"));
            assertEquals(direct.get("recipe"), again.get("recipe"));
        }
    }

    @Test
    void visionEvalReplaysTheSameAccuracy() throws Exception {
        String[] cmd = {"eval", "--arch", "resnet20", "--model", RESNET20, "--images", IMAGES, "--json"};
        Path recipe = printed("vision-eval", cmd);
        JsonNode direct = CliRun.of(cmd).json();
        JsonNode again = CliRun.of("run", recipe.toString(), "--json").json();
        assertEquals(direct.get("accuracy").doubleValue(), again.get("accuracy").doubleValue(), 0.0);
        assertTrue(direct.get("accuracy").doubleValue() > 0.85);
        assertEquals(direct.get("recipe"), again.get("recipe"));
    }

    @Test
    void visionPruneReplaysTheSameBytes() throws Exception {
        Path first = dir.resolve("first.safetensors");
        String[] cmd = {"prune", "--arch", "resnet20", "--model", RESNET20, "--method", "l1", "--scope", "local", "--ratio", "0.3",
            "--latency-reps", "1", "--out", first.toString(), "--json"};
        Path recipe = printed("vision", cmd);
        assertFalse(Files.exists(first), "--print-recipe runs nothing");
        JsonNode direct = CliRun.of(cmd).json();
        Path second = dir.resolve("second.safetensors");
        CliRun replay = CliRun.of("run", recipe.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        JsonNode again = replay.json();
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical pruned checkpoint");
        assertEquals(direct.get("macs_after"), again.get("macs_after"));
        assertEquals(((JobRecipe) RecipeFormat.readJob(recipe)).withOutput(second),
                RecipeFormat.jobFromTree(again.get("recipe"), "report"), "the replay's report embeds the recipe with its output");
    }

    @Test
    void onnxPruneReplaysTheSameBytes() throws Exception {
        Path in = dir.resolve("cnn.onnx");
        OnnxModelWriter.write(OnnxTestModels.cnn(false), in);
        Path first = dir.resolve("first.onnx");
        String[] cmd = {"prune", "--onnx", in.toString(), "--method", "l2", "--ratio", "0.3", "--round-to", "2",
            "--out", first.toString()};
        Path recipe = printed("onnx", cmd);
        assertFalse(Files.exists(first), "--print-recipe runs nothing");
        CliRun direct = CliRun.of(cmd);
        assertEquals(0, direct.code(), direct.err());
        Path second = dir.resolve("second.onnx");
        CliRun replay = CliRun.of("run", recipe.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical pruned model");
        assertEquals(2, replay.json().get("recipe").get("method").get("round_to").asInt());
    }

    @Test
    void trainReplaysTheSameResultsAndLotteryFindsTheSameRun() throws Exception {
        String data = Fixtures.dataDir().toString();
        String[] train = {"train", "--epochs", "1", "--threads", "1", "--out", dir.resolve("runs").toString(), "--data-dir", data,
            "--json"};
        Path recipe = printed("train", train);
        JsonNode direct = CliRun.of(train).json();
        CliRun replay = CliRun.of("run", recipe.toString(), "--out", dir.resolve("other").toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        JsonNode again = replay.json();
        assertFalse(again.get("reused").asBoolean(), "trained again in the other folder");
        assertEquals(withoutTimes(direct.get("results")), withoutTimes(again.get("results")), "the same accuracies");

        String[] lottery = {"lottery", "--levels", "1", "--rate", "0.5", "--epochs", "1", "--threads", "1",
            "--out", dir.resolve("runs").toString(), "--data-dir", data, "--json"};
        Path lotteryRecipe = printed("lottery", lottery);
        JsonNode first = CliRun.of(lottery).json();
        JsonNode found = CliRun.of("run", lotteryRecipe.toString(), "--json").json();
        assertTrue(found.get("reused").asBoolean(), "the recipe names the same run (the settings' hash): " + found);
        assertEquals(first.get("run"), found.get("run"));
        assertEquals(first.get("results"), found.get("results"));
        assertEquals(RecipeFormat.readJob(lotteryRecipe), RecipeFormat.jobFromTree(first.get("recipe"), "report"));
    }

    @Test
    void badKeysInTheNewSectionsAreOneLineErrors() throws Exception {
        Path r = dir.resolve("r.yaml");
        Files.writeString(r, "job: eval\nmodel: {path: stories260K}\nevaluation: {max_window: 3}\n");
        CliRun.of("run", r.toString()).assertUserError("unknown key 'evaluation.max_window'");
        Files.writeString(r, "job: generate\nmodel: {path: stories260K}\ngeneration: {steps: many}\n");
        CliRun.of("run", r.toString()).assertUserError("generation.steps: expected an integer, got \"many\"");
        Files.writeString(r, "job: train\ntraining: {epochs: 1.5}\noutput: {path: runs}\n");
        CliRun.of("run", r.toString()).assertUserError("training.epochs: expected an integer, got 1.5");
        Files.writeString(r, "job: prune-onnx\nmodel: {path: m.onnx, dims: {N: four}}\n");
        CliRun.of("run", r.toString()).assertUserError("model.dims.N: expected an integer");
        Files.writeString(r, "job: prune-vision\nfinetune: {distill: yes please}\n");
        CliRun.of("run", r.toString()).assertUserError("finetune.distill: expected true or false");
        Files.writeString(r, "job: lottery\nlotery: {levels: 2}\n");
        CliRun.of("run", r.toString()).assertUserError("unknown key 'lotery'");
        Files.writeString(r, "job: evaluate\nmodel: {path: stories260K}\n");
        CliRun.of("run", r.toString()).assertUserError("job evaluate: unknown job");
        Files.writeString(r, "job: eval\nmodel: {path: stories260K}\nevaluation: {ids: x.safetensors}\n");
        CliRun.of("run", r.toString(), "--out", "o.bin").assertUserError("job eval writes no output");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "nothing written but the recipe file");
        }
    }

    private static JsonNode withoutTimes(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(java.util.List.of("seconds", "tokens_per_second"));
            o.forEach(CommandRecipeReplayTest::strip);
        } else if (n instanceof ArrayNode a) {
            a.forEach(CommandRecipeReplayTest::strip);
        }
    }

    private static String[] append(String[] args, String... more) {
        return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
    }
}
