package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.api.JobRecipe;
import org.prune4j.api.RecipeFormat;
import org.prune4j.api.RecipeJob;

/**
 * {@code --print-recipe} on every command that runs a job: the recipe of the command line is printed as
 * YAML (exit 0, every option given is a key, paths absolute) before any input is read, nothing is run or
 * written, and the YAML reads back to the same recipe.
 */
class PrintRecipeTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandPrintsItsRecipeAndRunsNothing() throws Exception {
        String missing = dir.resolve("missing").toString();
        String out = dir.resolve("out").toString();
        // each command line with one key it must show: job, section, key, value
        Map<List<String>, List<Object>> commands = Map.of(
                List.of("eval", "--model", "stories260K", "--text", missing, "--seqlen", "64", "--kv", "sinks", "--kv-budget", "16"),
                List.of("eval", "evaluation", "kv_budget", 16),
                List.of("eval", "--model", "stories260K", "--ids", missing + ":ids", "--prefill-keep", "0.5,0.75"),
                List.of("eval", "evaluation", "prefill_keep", List.of(0.5, 0.75)),
                List.of("generate", "--model", "stories260K", "--temperature", "0.7", "--prompt", "Once"),
                List.of("generate", "generation", "temperature", 0.7),
                List.of("prune", "--arch", "resnet20", "--model", missing, "--method", "l1", "--ratio", "0.5", "--out", out,
                        "--finetune-epochs", "2", "--distill"),
                List.of("prune-vision", "finetune", "distill", true),
                List.of("prune", "--onnx", missing, "--method", "l1", "--ratio", "0.5", "--out", out, "--dim", "N=4"),
                List.of("prune-onnx", "model", "dims", Map.of("N", 4L)),
                List.of("train", "--out", out, "--epochs", "3", "--prune", "snip"),
                List.of("train", "pruning", "method", "snip"),
                List.of("lottery", "--out", out, "--levels", "2", "--rate", "0.3"),
                List.of("lottery", "lottery", "rate", 0.3));
        for (Map.Entry<List<String>, List<Object>> c : commands.entrySet()) {
            String[] args = java.util.stream.Stream.concat(c.getKey().stream(), java.util.stream.Stream.of("--print-recipe"))
                    .toArray(String[]::new);
            CliRun r = CliRun.of(args);
            String what = String.join(" ", c.getKey());
            assertEquals(0, r.code(), what + ": " + r.err());
            RecipeJob parsed = RecipeFormat.parseJob(r.out(), what);
            JobRecipe recipe = (JobRecipe) parsed;
            List<Object> expect = c.getValue();
            assertEquals(expect.get(0), recipe.job(), what);
            assertEquals(expect.get(3), recipe.get((String) expect.get(1), (String) expect.get(2)), what + ":\n" + r.out());
            assertEquals(recipe, RecipeFormat.parseJob(RecipeFormat.toYaml(recipe), "again"), what + ": round trip");
            assertEquals(r.out(), RecipeFormat.toYaml(recipe), what + ": printed as written");
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), what + ": nothing written");
            }
        }
    }

    @Test
    void pathsAreAbsoluteAndBundledModelsStayNames() {
        CliRun r = CliRun.of("eval", "--model", "stories260K", "--ids", "rel/eval.safetensors:ids", "--print-recipe");
        assertEquals(0, r.code(), r.err());
        JobRecipe recipe = (JobRecipe) RecipeFormat.parseJob(r.out(), "printed");
        assertEquals("stories260K", recipe.get("model", "path"));
        assertEquals(Path.of("rel/eval.safetensors").toAbsolutePath().normalize() + ":ids", recipe.get("evaluation", "ids"));
        assertTrue(r.out().startsWith("# prune4j recipe"), r.out());
    }
}
