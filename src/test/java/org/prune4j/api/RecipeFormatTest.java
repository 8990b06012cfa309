package org.prune4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

class RecipeFormatTest {
    @TempDir
    Path dir;

    /** Recipes that set every section, with values away from the defaults. */
    static List<Recipe> samples() {
        Recipe owl = new Recipe(new ModelSettings("/models/llama", "/models/tok.json", "streamed"),
                new CalibrationSettings("/data/calib.txt", null, 32, 512, 7, 4),
                MethodSettings.of("wanda", "0.6"),
                new AllocationSettings("owl", 6.5, 0.1, null),
                RecoverySettings.none(),
                new EvaluationSettings(null, "/data/eval.safetensors:eval_ids", 0, 16),
                new OutputSettings("/out/pruned", "hf"));
        Recipe sparseGpt = new Recipe(ModelSettings.of("stories260K"),
                new CalibrationSettings(null, "/data/ids.safetensors", 128, 0, 0, 0),
                new MethodSettings("sparsegpt", "2:4", java.util.Map.of("blocksize", 64, "percdamp", 0.02, "precision", "float32")),
                AllocationSettings.uniform(), null, EvaluationSettings.text(Path.of("/data/wiki.txt")).withSeqlen(128), null);
        Recipe global = Recipe.builder().model("m.bin")
                .prune(PruneSettings.builder().method("magnitude").sparsity(0.7).allocation("global").minDensity(0.05).build())
                .evaluation(EvaluationSettings.text(Path.of("eval.txt")).withMaxWindows(3)).output(Path.of("out.bin")).build();
        Recipe flap = new Recipe(ModelSettings.of("stories260K"), CalibrationSettings.protocol().withBatch(4),
                MethodSettings.structured("flap", java.util.Map.of("ratio", 0.3, "units", "heads,neurons", "allocation", "uniform",
                        "round_to", 4, "metric", "WIFN", "bias_compensation", false)),
                null, null, EvaluationSettings.protocol().withMaxWindows(8), new OutputSettings("/out/flap", null));
        Recipe layers = new Recipe(ModelSettings.of("/m/model.bin"), null,
                MethodSettings.structured("block-influence", java.util.Map.of("layers", 2, "units", "mlp")), null, null, null,
                new OutputSettings("/out/short.bin", null));
        Recipe taylor = new Recipe(ModelSettings.of("stories260K"), null,
                MethodSettings.structured("taylor", java.util.Map.of("ratio", 0.2, "taylor", "vector")), null, null, null, null);
        Recipe recovered = new Recipe(ModelSettings.of("stories260K"), null, MethodSettings.of("wanda", "2:4"), null,
                RecoverySettings.builder("distill").student("lora").targets("q", "v").adapters(4, 8, 0.1).distillation(1.5, 0.2)
                        .trainText("/data/train.txt").seqlen(64).epochs(2).batch(4, 2).schedule(0.01, 5, 0.2)
                        .regularisation(0.01, 0.5).seed(3).validation(0.1, 10, 2).build(),
                null, new OutputSettings("/out/r.bin", null));
        Recipe recoverOnly = Recipe.builder().model("/m/pruned.bin")
                .recovery(RecoverySettings.builder("norms-biases").trainIds("/data/ids.safetensors:ids").steps(5).teacher("stories260K")
                        .build()).output(Path.of("/out/rec.bin")).build();
        Recipe keptAdapters = Recipe.builder().model("/m/pruned.bin")
                .recovery(RecoverySettings.builder("lora").trainIds("/data/ids.safetensors:ids").steps(5).keepAdapters(true)
                        .checkpoint("/out/rec.ckpt.safetensors").trackPpl(true).build()).output(Path.of("/out/rec.bin")).build();
        return List.of(owl, sparseGpt, global, flap, layers, taylor, recovered, recoverOnly, keptAdapters);
    }

    @Test
    void yamlRoundTripsEveryRecipe() {
        for (Recipe r : samples()) {
            String yaml = RecipeFormat.toYaml(r);
            Recipe back = RecipeFormat.parse(yaml, "r.yaml");
            assertEquals(r, back, yaml);
            assertEquals(yaml, RecipeFormat.toYaml(back), "writing what was read gives the same text");
            assertEquals(r, RecipeFormat.fromTree(RecipeFormat.toTree(r), "tree"), "the report's JSON form round-trips too");
        }
    }

    @Test
    void aHandWrittenRecipeGetsTheDefaultsOfItsMethodAndAllocation() {
        Recipe r = RecipeFormat.parse("""
                model:
                  path: stories260K
                method:
                  name: SparseGPT
                  sparsity: 2:4
                allocation:
                  name: uniform
                """, "r.yaml");
        assertEquals("sparsegpt", r.method().name());
        assertEquals("2:4", r.method().sparsity(), "an unquoted N:M stays N:M");
        assertEquals(128, r.method().settings().get("blocksize"));
        assertEquals(0.01, r.method().settings().get("percdamp"));
        assertEquals("float64", r.method().settings().get("precision"), "the shipped SparseGPT factorises in float64");
        assertEquals("auto", r.model().residency());
        assertEquals(128, r.calibration().nsamples());
        assertNull(r.calibration().text());
        assertEquals(0, r.calibration().batch());
        assertEquals("none", r.recovery().method());
        assertNull(r.output().path());

        Recipe owl = RecipeFormat.parse("model: {path: m.bin}\nmethod: {name: wanda, sparsity: 0.5}\nallocation: {name: owl}\n", "r");
        assertEquals(5.0, owl.allocation().owlM());
        assertEquals(0.08, owl.allocation().owlLambda());
        assertNull(owl.allocation().minDensity());
        assertEquals(java.util.Map.of(), owl.method().settings(), "wanda has no settings of its own");
    }

    @Test
    void unknownKeysAreOneLineErrorsNamingTheKey() {
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nmethods: {}\n", "unknown key 'methods'");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {nsample: 4}\n",
                "unknown key 'calibration.nsample'");
        assertError("model: {path: m, tokeniser: t}\nmethod: {name: wanda, sparsity: 0.5}\n", "unknown key 'model.tokeniser'");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5, blocksize: 64}\n", "method.blocksize");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nallocation: {name: uniform, owl_m: 3}\n",
                "allocation.owl_m");
    }

    @Test
    void wrongTypesAreOneLineErrorsNamingTheKey() {
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {nsamples: many}\n",
                "calibration.nsamples: expected an integer, got \"many\"");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {nsamples: 1.5}\n",
                "calibration.nsamples: expected an integer");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {seed: [1, 2]}\n",
                "calibration.seed: expected an integer, got a list");
        assertError("model: {path: m}\nmethod: wanda\n", "method: expected a mapping");
        assertError("model: {path: m}\nmethod: {name: sparsegpt, sparsity: 0.5, percdamp: high}\n", "method.percdamp: expected a number");
        assertError("model: {path: 5}\nmethod: {name: wanda, sparsity: 0.5}\n", "model.path: expected a string, got 5");
        assertError("model: {path: m}\nmethod: {name: sparsegpt, sparsity: 0.5, blocksize: [1]}\n",
                "method.blocksize: expected a number, a string or true/false, got a list");
        assertError("model: {path: m}\nmethod: {name: sparsegpt, sparsity: 0.5, blocksize: \"128\"}\n",
                "method.blocksize: expected an integer, got \"128\"");
        assertError("model: {path: m, residency: somewhere}\nmethod: {name: wanda, sparsity: 0.5}\n", "model.residency somewhere");
        assertError("- model\n- method\n", "expected a mapping of sections");
    }

    @Test
    void badValuesNameTheKey() {
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 1.3}\n", "method.sparsity 1.3");
        assertError("model: {path: m}\nmethod: {name: pruneall, sparsity: 0.5}\n", "method.name pruneall: unknown method");
        assertError("model: {path: m}\n", "method: missing");
        assertError("method: {name: wanda, sparsity: 0.5}\n", "model: missing");
        String lora = "model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: lora, train_ids: x, steps: 1, ";
        assertError(lora + "keep_adapters: 1}\n", "recovery.keep_adapters: expected true or false, got 1");
        assertError(lora + "track_ppl: \"true\"}\n", "recovery.track_ppl: expected true or false, got \"true\"");
        assertError(lora + "checkpoint: 5}\n", "recovery.checkpoint: expected a string, got 5");
        assertError(lora + "checkpoint: \" \"}\n", "recovery.checkpoint: empty");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: full, train_ids: x, steps: 1,"
                + " keep_adapters: true}\n", "recovery.keep_adapters: recovery.method full trains no adapters");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: none, track_ppl: true}\n",
                "recovery.track_ppl: recovery.method none does not take this setting");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: lora}\n",
                "recovery: give train_text or train_ids");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: none, steps: 3}\n",
                "recovery.steps: recovery.method none does not take this setting");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: distill, train_ids: x, steps: 1,"
                + " student: distill}\n", "recovery.student distill");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\nrecovery: {method: lora, train_ids: x, steps: 1,"
                + " targets: \"q,x\"}\n", "recovery.targets x: unknown target");
        assertError("model: {path: m}\nmethod: {name: none, sparsity: 0.5}\nrecovery: {method: lora, train_ids: x, steps: 1}\n",
                "method.name none: prunes nothing");
        assertError("model: {path: m}\nmethod: {name: wanda, sparsity: 0.5}\ncalibration: {text: a.txt, ids: b.safetensors}\n",
                "calibration: give text or ids, not both");
        assertError("model: {path: m}\nmethod: {name: magnitude, sparsity: 0.5}\nallocation: {name: owl}\n", "owl");
        assertError("model: {path: m}\nmodel: {path: n}\nmethod: {name: wanda, sparsity: 0.5}\n", "line");
        assertError("", "empty");
        assertError("model: {path: m\n", "not a valid recipe");
    }

    @Test
    void structuredMethodsTakeTheirOwnSettingsWithTheirDefaults() {
        Recipe r = RecipeFormat.parse("model: {path: stories260K}\nmethod: {name: flap, ratio: 0.2}\n", "r.yaml");
        assertTrue(r.method().structured());
        assertNull(r.method().sparsity());
        assertEquals(java.util.Map.of("ratio", 0.2, "units", "kv-groups,neurons", "allocation", "adaptive", "round_to", 1,
                "metric", "WIFV", "bias_compensation", true), r.method().settings());
        String yaml = RecipeFormat.toYaml(r);
        assertFalse(yaml.contains("allocation:\n  name"), "a structured recipe has no allocation section: " + yaml);
        assertEquals(java.util.Map.of("layers", 1, "units", "layers"), RecipeFormat.parse(
                "model: {path: m}\nmethod: {name: angular, layers: 1}\n", "r.yaml").method().settings());
        assertError("model: {path: m}\nmethod: {name: flap, ratio: 0.2, ratoi: 3}\n", "method.ratoi: flap does not take this setting");
        assertError("model: {path: m}\nmethod: {name: wanda-sp, ratio: 0.2, metric: WIFV}\n", "method.metric: wanda-sp does not take");
        assertError("model: {path: m}\nmethod: {name: flap, ratio: high}\n", "method.ratio: expected a number, got \"high\"");
        assertError("model: {path: m}\nmethod: {name: flap, ratio: 0.2, round_to: 2.5}\n", "method.round_to: expected an integer");
        assertError("model: {path: m}\nmethod: {name: flap, ratio: 0.2, bias_compensation: yes please}\n",
                "method.bias_compensation: expected true or false");
        assertError("model: {path: m}\nmethod: {name: flap, ratio: 1.5}\n", "method.ratio 1.5: must be in (0, 1)");
        assertError("model: {path: m}\nmethod: {name: flap}\n", "method.ratio");
        assertError("model: {path: m}\nmethod: {name: flap, sparsity: 0.5}\n", "method.sparsity: flap removes whole units");
        assertError("model: {path: m}\nmethod: {name: taylor, ratio: 0.2, taylor: third}\n", "method.taylor third");
        assertError("model: {path: m}\nmethod: {name: flap, ratio: 0.2, units: rows}\n", "method.units rows: unknown unit");
        assertError("model: {path: m}\nmethod: {name: flap, ratio: 0.2}\nallocation: {name: owl}\n",
                "allocation.name owl: structured methods take method.allocation");
    }

    @Test
    void aReportWithoutARecipeIsNamed() throws Exception {
        Path report = dir.resolve("old.report.json");
        Files.writeString(report, "{\"dense_ppl\": 4.2}");
        UserError e = assertThrows(UserError.class, () -> RecipeFormat.fromReport(report));
        assertTrue(e.getMessage().startsWith(report + ": no recipe"), e.getMessage());
        UserError missing = assertThrows(UserError.class, () -> RecipeFormat.read(dir.resolve("none.yaml")));
        assertTrue(missing.getMessage().contains("none.yaml: no such file"), missing.getMessage());
    }

    private static void assertError(String yaml, String fragment) {
        UserError e = assertThrows(UserError.class, () -> RecipeFormat.parse(yaml, "r.yaml"), yaml);
        String m = e.getMessage();
        assertTrue(m.startsWith("r.yaml: "), m);
        assertTrue(m.contains(fragment), "expected '" + fragment + "' in: " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }
}
