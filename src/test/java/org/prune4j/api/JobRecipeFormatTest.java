package org.prune4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;

/** Recipes of the command jobs ({@link JobRecipe}) read and write strictly, and round-trip through YAML and JSON. */
class JobRecipeFormatTest {
    private static final Map<String, String> EXAMPLES = Map.of(
            "eval", "job: eval\nmodel: {path: stories260K, tokenizer: /t/tok.bin}\n"
                    + "evaluation: {ids: '/d/e.safetensors:ids', seqlen: 64, max_windows: 3, batch: 2, kv: sinks, kv_budget: 16,"
                    + " stream: true, prefill_keep: [0.5, 0.75], prompt_tokens: 8}\n",
            "generate", "job: generate\nmodel: {path: /m/model.bin}\n"
                    + "generation: {prompt: 'Once upon', steps: 40, temperature: 0.8, top_p: 0.95, seed: 7, kv: h2o, kv_budget: 32}\n",
            "train", "job: train\nmodel: {arch: lenet5}\ntraining: {dataset: mnist, epochs: 2, lr: 0.1, augment: true, threads: 1}\n"
                    + "pruning: {method: gradual, final_sparsity: 0.8}\ndata: {dir: /d}\noutput: {path: /runs}\n",
            "lottery", "job: lottery\nmodel: {arch: conv2}\ntraining: {epochs: 1}\nlottery: {levels: 3, rate: 0.2, control: reinit}\n"
                    + "output: {path: /runs}\n",
            "prune-vision", "job: prune-vision\nmodel: {arch: resnet20, path: /c/r20.th}\n"
                    + "method: {name: l2, scope: local, target_macs: 0.5, round_to: 4, seed: 3}\n"
                    + "sparsity_training: {epochs: 1, reg: group-norm, reg_lambda: 0.0001}\n"
                    + "finetune: {epochs: 2, lr: 0.01, batch: 64, distill: true, distill_alpha: 0.5}\n"
                    + "data: {dataset: cifar10, dir: /d}\nevaluation: {images: /d/test.bin, latency_reps: 2}\noutput: {path: /o.safetensors}\n",
            "prune-onnx", "job: prune-onnx\nmodel: {path: /m.onnx, dims: {N: 4, seq: 128}}\n"
                    + "method: {name: activation, ratio: 0.3, scope: global, round_to: 8, group_score: sum, seed: 1}\n"
                    + "calibration: {path: /c.safetensors, nsamples: 16}\noutput: {path: /o.onnx}\n");

    @Test
    void everyJobRoundTripsThroughYamlAndJson() {
        EXAMPLES.forEach((job, yaml) -> {
            JobRecipe r = assertInstanceOf(JobRecipe.class, RecipeFormat.parseJob(yaml, job + ".yaml"));
            assertEquals(job, r.job());
            assertEquals(r, RecipeFormat.parseJob(RecipeFormat.toYaml(r), "printed"), job + ": YAML round trip");
            assertEquals(r, RecipeFormat.jobFromTree(RecipeFormat.toTree(r), "tree"), job + ": JSON round trip");
            assertTrue(RecipeFormat.toYaml(r).contains("job: \"" + job + "\""), RecipeFormat.toYaml(r));
        });
        JobRecipe eval = (JobRecipe) RecipeFormat.parseJob(EXAMPLES.get("eval"), "eval.yaml");
        assertEquals(List.of(0.5, 0.75), eval.get("evaluation", "prefill_keep"));
        assertEquals(true, eval.get("evaluation", "stream"));
        JobRecipe onnx = (JobRecipe) RecipeFormat.parseJob(EXAMPLES.get("prune-onnx"), "onnx.yaml");
        assertEquals(Map.of("N", 4L, "seq", 128L), onnx.get("model", "dims"));
        assertEquals(List.of("prune", "--onnx", "/m.onnx", "--dim", "N=4", "--dim", "seq=128", "--method", "activation", "--ratio",
                "0.3", "--scope", "global", "--round-to", "8", "--group-score", "sum", "--seed", "1", "--calib", "/c.safetensors",
                "--max-calib", "16", "--out", "/o.onnx"), onnx.arguments());
    }

    @Test
    void javaValuesAreCheckedAndNormalised() {
        JobRecipe a = new JobRecipe("generate", Map.of("model", Map.of("path", "stories260K"),
                "generation", Map.of("temperature", 1, "seed", 7)));
        assertEquals(1.0, a.get("generation", "temperature"), "an integer given for a number is that number");
        assertEquals(7L, a.get("generation", "seed"));
        UserError wrong = assertThrows(UserError.class, () -> new JobRecipe("eval",
                Map.of("evaluation", Map.of("seqlen", "long"))));
        assertTrue(wrong.getMessage().startsWith("evaluation.seqlen: expected an integer"), wrong.getMessage());
        UserError unknown = assertThrows(UserError.class, () -> new JobRecipe("train", Map.of("training", Map.of("epoch", 1))));
        assertTrue(unknown.getMessage().startsWith("unknown key 'training.epoch'"), unknown.getMessage());
        assertThrows(UserError.class, () -> new JobRecipe("dance", Map.of()));
    }

    @Test
    void readingIsStrictWithOneLineErrorsNamingTheKey() {
        assertError("job: eval\nevaluation: {seqlen: 1.5}\n", "r.yaml: evaluation.seqlen: expected an integer, got 1.5");
        assertError("job: generate\ngeneration: {top-p: 0.9}\n", "r.yaml: unknown key 'generation.top-p' (generation keys of job generate:");
        assertError("job: prune-vision\nmethod: {ratio: half}\n", "r.yaml: method.ratio: expected a number, got \"half\"");
        assertError("job: eval\nevaluation: {prefill_keep: [0.5, x]}\n", "r.yaml: evaluation.prefill_keep: expected a list of numbers");
        assertError("job: eval\nevaluation: [1, 2]\n", "r.yaml: evaluation: expected a mapping");
        assertError("job: 3\n", "r.yaml: job: expected a string");
        assertError("job: cook\n", "r.yaml: job cook: unknown job (prune, eval, generate, train, lottery, prune-vision, prune-precrop, prune-onnx, convert, bench, inspect, inspect-onnx, demo)");
    }

    @Test
    void pruneRecipesKeepTheirShapeWithOrWithoutAJobKey() {
        String yaml = "model: {path: stories260K}\nmethod: {name: wanda, sparsity: 0.5}\n";
        Recipe plain = RecipeFormat.parse(yaml, "r.yaml");
        assertEquals(plain, RecipeFormat.parseJob(yaml, "r.yaml"));
        assertEquals(plain, RecipeFormat.parseJob("job: prune\n" + yaml, "r.yaml"));
        assertEquals(plain, RecipeFormat.parse("job: prune\n" + yaml, "r.yaml"));
        assertEquals("prune", plain.job());
        assertFalse(RecipeFormat.toYaml(plain).contains("job:"), "a prune recipe is written as before");
        UserError e = assertThrows(UserError.class, () -> RecipeFormat.parse(EXAMPLES.get("eval"), "e.yaml"));
        assertTrue(e.getMessage().startsWith("e.yaml: job eval: not a prune recipe"), e.getMessage());
    }

    private static void assertError(String yaml, String prefix) {
        UserError e = assertThrows(UserError.class, () -> RecipeFormat.parseJob(yaml, "r.yaml"));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
