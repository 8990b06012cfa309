package org.prune4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;
import org.prune4j.internal.model.BundledModels;

/** The staged API (load → prune → evaluate → save) does exactly what one {@link Prune4j#run} of the same recipe does. */
class Prune4jApiTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @Test
    void stagedPruneEvaluateSaveEqualsOneRunOfTheRecipe() throws Exception {
        String calib = ProtocolSlices.write(dir.resolve("calib.safetensors"), "calib_ids", 16);
        EvaluationSettings eval = EvaluationSettings.ids(ProtocolSlices.write(dir.resolve("eval.safetensors"), "eval_ids", 8));
        PruneSettings settings = PruneSettings.builder().method("wanda").sparsity("2:4")
                .calibration(CalibrationSettings.ids(calib).withBatch(8)).build();

        Path runOut = dir.resolve("run.bin");
        PruneResult run = Prune4j.run(Recipe.builder().model("stories260K").prune(settings).evaluation(eval).output(runOut).build(),
                QUIET);

        Path savedOut = dir.resolve("staged.bin");
        LanguageModel model = Prune4j.load("stories260K");
        assertEquals(5, model.layers());
        assertEquals(run.densePerplexity().getAsDouble(), model.evaluate(eval).perplexity(), 0.0);
        try (PrunedModel pruned = model.prune(settings, QUIET)) {
            assertFalse(pruned.result().prunedPerplexity().isPresent(), "staged pruning evaluates nothing by itself");
            assertEquals(run.prunedPerplexity().getAsDouble(), pruned.evaluate(eval).perplexity(), 0.0);
            assertEquals(run.sparsity(), pruned.sparsity(), 0.0);
            assertEquals(run.matrixSparsity(), pruned.result().matrixSparsity());
            assertEquals(savedOut, pruned.save(savedOut));
            assertThrows(UserError.class, () -> pruned.save(BundledModels.checkpoint("stories260K")));
        }
        assertArrayEquals(Files.readAllBytes(runOut), Files.readAllBytes(savedOut), "identical model bytes");
        assertTrue(Files.isRegularFile(dir.resolve("tok512.bin")), "the tokenizer goes beside a llama2.c output");
        Recipe savedRecipe = RecipeFormat.fromReport(Prune4j.reportPath(savedOut));
        assertEquals(settings, savedRecipe.prune(), "the saved model's report holds the recipe that made it");
        assertEquals(savedOut.toString(), Path.of(savedRecipe.output().path()).toString());
    }

    @Test
    void aPrunedModelRecoversAndItsReportReplaysAsOneRecipe() throws Exception {
        String train = ProtocolSlices.write(dir.resolve("train.safetensors"), "calib_ids", 16);
        EvaluationSettings eval = EvaluationSettings.ids(ProtocolSlices.write(dir.resolve("eval.safetensors"), "eval_ids", 4));
        RecoverySettings recovery = RecoverySettings.builder("masked-lora").trainIds(train).steps(2).batch(4, 1)
                .adapters(4, 8, 0).build();
        Path staged = dir.resolve("staged.bin");
        RecoveryResult r;
        try (PrunedModel pruned = Prune4j.load("stories260K").prune(PruneSettings.builder().method("magnitude").sparsity("2:4")
                .build(), QUIET)) {
            r = pruned.recover(recovery, eval, staged);
        }
        assertEquals(2, r.steps());
        assertEquals(r.sparsityBefore(), r.sparsityAfter(), 0.0, "masked-lora keeps the sparsity");
        assertTrue(r.recoveredPerplexity().isPresent() && r.prunedPerplexity().isPresent());
        Recipe recipe = RecipeFormat.fromReport(Prune4j.reportPath(staged));
        assertEquals(recovery, recipe.recovery());
        assertEquals("magnitude", recipe.method().name());

        Path again = dir.resolve("again.bin");
        PruneResult run = Prune4j.run(recipe.withOutput(again), QUIET);
        assertArrayEquals(Files.readAllBytes(staged), Files.readAllBytes(again), "identical recovered bytes");
        assertEquals(r.recoveredPerplexity().getAsDouble(), run.recovery().orElseThrow().recoveredPerplexity().getAsDouble(), 0.0);
        UserError e = assertThrows(UserError.class, () -> RecoverySettings.builder("norms-biases").trainIds(train).steps(1)
                .adapters(4, 8, 0).build());
        assertTrue(e.getMessage().startsWith("recovery.rank"), e.getMessage());
    }

    @Test
    void settingsThatDoNotFitAreUserErrorsNamingTheSetting() {
        UserError e = assertThrows(UserError.class,
                () -> PruneSettings.builder().method("wanda").sparsity("0.5").setting("blocksize", 64).build());
        assertTrue(e.getMessage().startsWith("method.blocksize"), e.getMessage());
        e = assertThrows(UserError.class, () -> PruneSettings.builder().method("wanda").sparsity("2:4").allocation("owl").build());
        assertTrue(e.getMessage().contains("uniform"), e.getMessage());
        e = assertThrows(UserError.class, () -> PruneSettings.builder().sparsity("0.5").build());
        assertTrue(e.getMessage().startsWith("method.name: missing"), e.getMessage());
        e = assertThrows(UserError.class,
                () -> PruneSettings.builder().method("sparsegpt").sparsity("0.5").setting("precision", "float16").build());
        assertTrue(e.getMessage().contains("precision"), e.getMessage());
        e = assertThrows(UserError.class, () -> Prune4j.load(dir.resolve("nothing.bin")));
        assertTrue(e.getMessage().contains("nothing.bin"), e.getMessage());
    }
}
