package org.prune4j.internal.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.ReferenceFixture;

/** Greedy generation against run.c's (reference README Part 2), and the sampler's semantics. */
class GeneratorTest {
    private static NDManager weights;
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        weights = NDManager.newBaseManager();
        model = LlamaModel.load(ModelLocator.loadLlama("stories260K", null), weights);
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    @Test
    void greedyGenerationReproducesRunC() {
        int[] expectedCounts = {124, 118, 121};
        for (int g = 0; g < 3; g++) {
            int[] prompt = ReferenceFixture.tensor("gen" + g + "_prompt_ids").toInts();
            int[] want = ReferenceFixture.tensor("gen" + g + "_generated_ids").toInts();
            List<Integer> streamed = new ArrayList<>();
            Generation out = new Generator(model).generate(prompt, 128, Sampler.greedy(), (prev, next) -> streamed.add(next));
            System.out.printf(Locale.ROOT, "gen%d: %d positions in %.3f s = %.0f tokens/s%n", g, out.positions(),
                    out.seconds(), out.tokensPerSecond());
            assertEquals(expectedCounts[g], want.length);
            assertArrayEquals(want, out.generated(), "gen" + g);
            assertFalse(out.stoppedAtBos());
            assertEquals(128, out.positions());
            assertEquals(129, out.tokens().length);
            assertArrayEquals(prompt, Arrays.copyOf(out.tokens(), prompt.length));
            // run.c emits the prompt's tokens after BOS, then the generated ones
            assertEquals(128, streamed.size());
            assertEquals(prompt[1], streamed.get(0));
        }
    }

    @Test
    void stopsWhenTheModelProducesBos() {
        int[] calls = {0};
        Sampler bosOnThirdDraw = logits -> ++calls[0] == 3 ? 1 : Sampler.greedy().sample(logits);
        Generation out = new Generator(model).generate(new int[] {1, 403}, 50, bosOnThirdDraw, null);
        assertTrue(out.stoppedAtBos());
        assertEquals(4, out.tokens().length); // BOS, prompt token, two generated
        assertEquals(2, out.generated().length);
        assertEquals(4, out.positions());
    }

    @Test
    void promptLongerThanStepsIsCut() {
        Generation out = new Generator(model).generate(new int[] {1, 403, 407, 261, 378}, 2, Sampler.greedy(), null);
        assertArrayEquals(new int[] {1, 403, 407}, out.tokens());
        assertEquals(0, out.generated().length);
    }

    @Test
    void seededSamplingIsReproducible() {
        int[] prompt = {1, 403, 407, 261, 378};
        int[] a = new Generator(model).generate(prompt, 60, Sampler.of(1.0f, 0.9f, 42), null).tokens();
        int[] b = new Generator(model).generate(prompt, 60, Sampler.of(1.0f, 0.9f, 42), null).tokens();
        int[] c = new Generator(model).generate(prompt, 60, Sampler.of(1.0f, 0.9f, 43), null).tokens();
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        int[] greedy = new Generator(model).generate(prompt, 60, Sampler.greedy(), null).tokens();
        int[] tinyNucleus = new Generator(model).generate(prompt, 60, Sampler.of(1.0f, 1e-6f, 7), null).tokens();
        assertArrayEquals(greedy, tinyNucleus, "a nucleus of one token is the arg-max");
    }

    @Test
    void samplerFollowsTheSoftmaxDistribution() {
        Sampler s = Sampler.of(1.0f, 0f, 12345);
        int ones = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            ones += s.sample(new float[] {0f, (float) Math.log(3)});
        }
        assertEquals(0.75, ones / (double) n, 0.015);
        // temperature 0.5 squares the odds: 9:1
        Sampler cold = Sampler.of(0.5f, 0f, 99);
        int cones = 0;
        for (int i = 0; i < n; i++) {
            cones += cold.sample(new float[] {0f, (float) Math.log(3)});
        }
        assertEquals(0.9, cones / (double) n, 0.015);
    }

    @Test
    void xorshiftMatchesRunC() {
        // run.c random_f32 with state 42, first three draws (computed by hand from the xorshift64* recurrence)
        RandomSampler r = new RandomSampler(1f, 0f, 42);
        long state = 42;
        for (int i = 0; i < 3; i++) {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            long u32 = (state * 0x2545F4914F6CDD1DL) >>> 32;
            assertEquals((u32 >>> 8) / 16777216.0f, r.nextFloat());
        }
    }

    @Test
    void badArgumentsAreUserErrors() {
        Generator gen = new Generator(model);
        assertThrows(UserError.class, () -> gen.generate(new int[0], 10, Sampler.greedy(), null));
        assertThrows(UserError.class, () -> gen.generate(new int[] {1}, 513, Sampler.greedy(), null));
        assertThrows(UserError.class, () -> gen.generate(new int[] {1, 600}, 10, Sampler.greedy(), null));
        assertThrows(UserError.class, () -> Sampler.of(-1f, 0.9f, 1));
        assertThrows(UserError.class, () -> Sampler.of(1f, 1.5f, 1));
        assertThrows(UserError.class, () -> Sampler.of(1f, 0.9f, 0));
    }
}
