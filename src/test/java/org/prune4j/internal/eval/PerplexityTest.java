package org.prune4j.internal.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.ReferenceFixture;

/** Perplexity of stories260K on the reference's 64×256 TinyStories rows (README Part 2). */
class PerplexityTest {
    private static NDManager weights;
    private static LlamaModel model;
    private static int[][] evalIds;

    @BeforeAll
    static void load() {
        weights = NDManager.newBaseManager();
        model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
        evalIds = ReferenceFixture.rows("eval_ids");
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void densePerplexityMatchesReference() {
        double want = ReferenceFixture.tensor("dense_ppl").toDoubles()[0];
        double[] wantRows = ReferenceFixture.tensor("dense_seq_losses").toDoubles();
        Perplexity.Result r = new Perplexity(model).evaluate(evalIds);
        System.out.printf(Locale.ROOT, "stories260K dense ppl %.6f (reference %.6f), %d rows x %d, %d tokens, %.3f s%n",
                r.ppl(), want, r.rows(), r.seqLen(), r.tokens(), r.seconds());
        assertEquals(64, r.rows());
        assertEquals(64L * 255, r.tokens());
        assertEquals(want, r.ppl(), want * 1e-6); // 1.3e-7 relative reached
        double[] got = r.rowLosses();
        for (int i = 0; i < got.length; i++) {
            assertEquals(wantRows[i], got[i], 2e-6, "loss of row " + i); // 4.8e-7 reached
        }
    }

    @Test
    void batchSizeDoesNotChangeTheResult() {
        int[][] few = Arrays.copyOf(evalIds, 5);
        Perplexity.Result one = new Perplexity(model).withBatchSize(1).evaluate(few);
        Perplexity.Result three = new Perplexity(model).withBatchSize(3).evaluate(few);
        double[] a = one.rowLosses();
        double[] b = three.rowLosses();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5);
        }
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        int[][] bad = {evalIds[0].clone()};
        bad[0][17] = 512;
        UserError e = assertThrows(UserError.class, () -> new Perplexity(model).evaluate(bad));
        assertTrue(e.getMessage().contains("512") && e.getMessage().contains("vocabulary"), e.getMessage());
        bad[0][17] = -1;
        assertThrows(UserError.class, () -> new Perplexity(model).evaluate(bad));
    }

    @Test
    void rejectsSequencesLongerThanTheContext() {
        int[][] tooLong = {new int[513]};
        UserError e = assertThrows(UserError.class, () -> new Perplexity(model).evaluate(tooLong));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
        assertThrows(UserError.class, () -> new Perplexity(model).evaluate(new int[][] {{1}}));
        assertThrows(UserError.class, () -> new Perplexity(model).evaluate(new int[][] {{1, 2, 3}, {1, 2}}));
    }

    @Test
    void windowsDropTheRemainder() {
        int[] stream = new int[10];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i;
        }
        int[][] w = TokenWindows.split(stream, 4, 0);
        assertEquals(2, w.length);
        assertArrayEquals(new int[] {4, 5, 6, 7}, w[1]);
        assertEquals(1, TokenWindows.split(stream, 4, 1).length);
        assertThrows(UserError.class, () -> TokenWindows.split(stream, 11, 0));
    }
}
