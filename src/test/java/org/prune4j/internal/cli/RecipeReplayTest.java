package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.api.ProtocolSlices;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecipeFormat;

/**
 * A recipe written from a report replays its run bit for bit: {@code prune} → the report's recipe →
 * {@code run} gives identical model bytes and identical perplexities.
 */
class RecipeReplayTest {
    @TempDir
    Path dir;

    @Test
    void theRecipeInTheReportReplaysTheRunBitForBit() throws Exception {
        String calib = ProtocolSlices.write(dir.resolve("calib.safetensors"), "calib_ids", 16);
        String eval = ProtocolSlices.write(dir.resolve("eval.safetensors"), "eval_ids", 8);
        Path first = dir.resolve("first.bin");
        String[] prune = {"prune", "--model", "stories260K", "--method", "sparsegpt", "--sparsity", "2:4", "--blocksize", "64",
            "--calib-ids", calib, "--eval-ids", eval, "--batch", "4", "--out", first.toString()};

        CliRun printed = CliRun.of(append(prune, "--print-recipe"));
        assertEquals(0, printed.code(), printed.err());
        assertFalse(Files.exists(first), "--print-recipe runs nothing");

        CliRun ran = CliRun.of(append(prune, "--json"));
        assertEquals(0, ran.code(), ran.err());
        JsonNode firstReport = ran.json();
        Path reportFile = dir.resolve("first.bin.report.json");
        assertEquals(firstReport, new ObjectMapper().readTree(reportFile.toFile()), "stdout and the file hold the same report");
        Recipe embedded = RecipeFormat.fromReport(reportFile);
        assertEquals(RecipeFormat.parse(printed.out(), "printed"), embedded, "the report embeds the recipe --print-recipe showed");
        assertEquals(64, embedded.method().settings().get("blocksize"));

        CliRun written = CliRun.of("run", "--from-report", reportFile.toString(), "--print-recipe");
        assertEquals(0, written.code(), written.err());
        Path recipe = dir.resolve("replay.yaml");
        Files.writeString(recipe, written.out());
        Path second = dir.resolve("second.bin");
        CliRun replay = CliRun.of("run", recipe.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        JsonNode secondReport = replay.json();

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "identical model bytes");
        assertEquals(firstReport.get("dense_ppl").doubleValue(), secondReport.get("dense_ppl").doubleValue(), 0.0);
        assertEquals(firstReport.get("pruned_ppl").doubleValue(), secondReport.get("pruned_ppl").doubleValue(), 0.0);
        assertEquals(firstReport.get("matrices"), secondReport.get("matrices"));
        assertEquals(embedded.withOutput(second), RecipeFormat.fromReport(dir.resolve("second.bin.report.json")),
                "the replay's report embeds the same recipe, with its own output");
        assertTrue(firstReport.get("pruned_ppl").doubleValue() > firstReport.get("dense_ppl").doubleValue());
    }

    @Test
    void aStructuredRunReplaysBitForBit() throws Exception {
        String calib = ProtocolSlices.write(dir.resolve("calib.safetensors"), "calib_ids", 8);
        String eval = ProtocolSlices.write(dir.resolve("eval.safetensors"), "eval_ids", 4);
        Path first = dir.resolve("first");
        String[] prune = {"prune", "--model", "stories260K", "--method", "flap", "--ratio", "0.25", "--units", "heads,neurons",
            "--metric", "WIFN", "--round-to", "4", "--calib-ids", calib, "--eval-ids", eval, "--batch", "4",
            "--out", first.toString()};
        CliRun printed = CliRun.of(append(prune, "--print-recipe"));
        assertEquals(0, printed.code(), printed.err());
        assertFalse(Files.exists(first), "--print-recipe runs nothing");
        Recipe shown = RecipeFormat.parse(printed.out(), "printed");
        assertEquals("flap", shown.method().name());
        assertEquals("WIFN", shown.method().settings().get("metric"));
        assertEquals(4, shown.method().settings().get("round_to"));
        assertEquals("adaptive", shown.method().settings().get("allocation"), "flap's default allocation is written out");
        assertEquals(4, shown.calibration().batch());

        CliRun ran = CliRun.of(append(prune, "--json"));
        assertEquals(0, ran.code(), ran.err());
        JsonNode firstReport = ran.json();
        Path reportFile = first.resolve("prune4j_report.json");
        assertEquals(firstReport, new ObjectMapper().readTree(reportFile.toFile()), "stdout and the file hold the same report");
        assertEquals(shown, RecipeFormat.fromReport(reportFile), "the report embeds the recipe --print-recipe showed");

        Path recipe = dir.resolve("replay.yaml");
        Files.writeString(recipe, printed.out());
        Path second = dir.resolve("second");
        CliRun replay = CliRun.of("run", recipe.toString(), "--out", second.toString(), "--json");
        assertEquals(0, replay.code(), replay.err());
        JsonNode secondReport = replay.json();
        assertEquals(firstReport.get("layers"), secondReport.get("layers"), "the same kept heads and neurons");
        assertEquals(firstReport.get("pruned_ppl").doubleValue(), secondReport.get("pruned_ppl").doubleValue(), 0.0);
        assertEquals(firstReport.get("dense_ppl").doubleValue(), secondReport.get("dense_ppl").doubleValue(), 0.0);
        assertArrayEquals(Files.readAllBytes(first.resolve("model.safetensors")), Files.readAllBytes(second.resolve("model.safetensors")),
                "identical tensors");
        assertEquals(shown.withOutput(second), RecipeFormat.fromReport(second.resolve("prune4j_report.json")));
        assertTrue(secondReport.get("params_after").asLong() < secondReport.get("params_before").asLong());
    }

    @Test
    void badRecipesAreOneLineErrorsWithExitTwo() throws Exception {
        Path r = dir.resolve("r.yaml");
        Files.writeString(r, "model: {path: stories260K}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {nsample: 4}\n");
        CliRun.of("run", r.toString()).assertUserError("unknown key 'calibration.nsample'");
        Files.writeString(r, "model: {path: stories260K}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {seed: one}\n");
        CliRun.of("run", r.toString()).assertUserError("calibration.seed: expected an integer");
        CliRun.of("run", dir.resolve("missing.yaml").toString()).assertUserError("missing.yaml: no such file");
        CliRun.of("run").assertUserError("a recipe file or --from-report");
        CliRun.of("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "0.5", "--nsamples", "0",
                "--out", dir.resolve("x.bin").toString(), "--print-recipe").assertUserError("--nsamples");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "nothing written but the recipe file");
        }
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
