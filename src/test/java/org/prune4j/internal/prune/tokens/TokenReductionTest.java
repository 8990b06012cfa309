package org.prune4j.internal.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.model.vision.TokenReduction;
import org.prune4j.internal.model.vision.TokenState;
import org.prune4j.internal.model.vision.TokenTrace;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionTransformer;
import org.prune4j.internal.nn.AttentionOutput;

class TokenReductionTest {

    private static NDArray images(NDManager manager, int n, long seed) {
        Random rng = new Random(seed);
        float[] px = new float[n * 3 * 32 * 32];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rng.nextGaussian();
        }
        return manager.create(px, new Shape(n, 3, 32, 32));
    }

    @Test
    void aReductionThatRemovesNothingGivesTheDenseLogitsExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer vit = (VisionTransformer) VisionModels.create("vit-cifar-tiny", manager, 7);
            vit.train(false);
            NDArray x = images(manager, 4, 1);
            float[] dense = vit.forward(x).toFloatArray();
            for (TokenReduction none : new TokenReduction[] {
                    new TokenMerging(new int[6], false),
                    new AttentiveTokenKeeping(1.0, new int[] {2, 4}, true),
                    new AttentionGraphPruning(1.0, new int[] {1}, 10)}) {
                TokenTrace t = vit.forward(x, none);
                assertArrayEquals(dense, t.logits().toFloatArray(), none.toString());
                assertArrayEquals(new int[] {65, 65, 65, 65, 65, 65}, t.tokensAfterReduction());
            }
        }
    }

    @Test
    void tomeMergesRTokensPerLayerAndTheScheduleRamps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer vit = (VisionTransformer) VisionModels.create("vit-cifar-tiny", manager, 7);
            vit.train(false);
            TokenTrace t = vit.forward(images(manager, 2, 2), new TokenMerging(TokenMerging.schedule(6, 8, 0), true));
            assertArrayEquals(new int[] {65, 57, 49, 41, 33, 25}, t.tokensIn());
            assertArrayEquals(new int[] {57, 49, 41, 33, 25, 17}, t.tokensAfterReduction());
            assertEquals(new Shape(2, 10), t.logits().getShape());
            for (float v : t.logits().toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
        // ToMe's parse_r: int(r*(1-f)) .. 2r - that, in equal steps, truncated
        assertArrayEquals(new int[] {8, 8, 8, 8, 8, 8}, TokenMerging.schedule(6, 8, 0));
        assertArrayEquals(new int[] {16, 12, 9, 6, 3, 0}, TokenMerging.schedule(6, 8, -1));
        assertArrayEquals(new int[] {0, 3, 6, 9, 12, 16}, TokenMerging.schedule(6, 8, 1));
    }

    /** Tokens x[s] = (s, 10·s); the class token attends to tokens 1..4 with the given per-head weights. */
    private static AttentionOutput attentionWithClassRow(NDManager manager, float[][] classRows) {
        int heads = classRows.length;
        float[] p = new float[heads * 5 * 5];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 5; j++) {
                p[h * 25 + j] = classRows[h][j];
            }
        }
        NDArray probabilities = manager.create(p, new Shape(1, heads, 5, 5));
        return new AttentionOutput(null, null, probabilities);
    }

    private static TokenState fiveTokens(NDManager manager) {
        float[] x = new float[10];
        for (int s = 0; s < 5; s++) {
            x[2 * s] = s;
            x[2 * s + 1] = 10 * s;
        }
        return new TokenState(manager.create(x, new Shape(1, 5, 2)), null);
    }

    @Test
    void evitKeepsTheTokensTheClassTokenAttendsToMostAndFusesTheRest() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // head means over tokens 1..4: 0.2, 0.3, 0.2, 0.3 (ties broken towards the lower index)
            AttentionOutput a = attentionWithClassRow(manager, new float[][] {
                    {0, 0.1f, 0.4f, 0.2f, 0.3f}, {0, 0.3f, 0.2f, 0.2f, 0.3f}});
            TokenState out = new AttentiveTokenKeeping(0.5, new int[] {0}, true).reduce(0, 1, fiveTokens(manager), a);
            // class token, token 2, token 4, then 0.2·x1 + 0.2·x3
            float[] expected = {0, 0, 2, 20, 4, 40, 0.2f * 1 + 0.2f * 3, 0.2f * 10 + 0.2f * 30};
            assertArrayEquals(expected, out.tokens().toFloatArray(), 1e-6f);
            TokenState noFuse = new AttentiveTokenKeeping(0.5, new int[] {0}, false).reduce(0, 1, fiveTokens(manager), a);
            assertArrayEquals(new float[] {0, 0, 2, 20, 4, 40}, noFuse.tokens().toFloatArray(), 0f);
            // ⌈0.7·4⌉ = 3 tokens kept
            TokenState seventy = new AttentiveTokenKeeping(0.7, new int[] {0}, false).reduce(0, 1, fiveTokens(manager), a);
            assertEquals(4, seventy.length());
        }
    }

    @Test
    void zeroTPruneKeepsTheTokensThatImportantTokensAttendTo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // every token attends only to token 3, except token 3 which attends to token 1
            float[] p = new float[25];
            for (int i = 0; i < 5; i++) {
                p[i * 5 + (i == 3 ? 1 : 3)] = 1f;
            }
            AttentionOutput a = new AttentionOutput(null, null, manager.create(p, new Shape(1, 1, 5, 5)));
            // after one iteration token 3 holds 4/5 of the importance and token 1 holds 1/5
            double[] s = AttentionGraphPruning.importance(p, 0, 5, 1);
            assertArrayEquals(new double[] {0, 0.2, 0, 0.8, 0}, s, 1e-12);
            TokenState out = new AttentionGraphPruning(0.5, new int[] {0}, 1).reduce(0, 1, fiveTokens(manager), a);
            // tokens 1 and 3 kept, in their original order
            assertArrayEquals(new float[] {0, 0, 1, 10, 3, 30}, out.tokens().toFloatArray(), 0f);
        }
    }

    @Test
    void specsParseAndBadOnesAreOneLineErrors() {
        TokenReduction tome = TokenReductionSpec.parse("tome:r=8", 6, 65);
        assertArrayEquals(new int[] {8, 8, 8, 8, 8, 8}, ((TokenMerging) tome).schedule());
        assertTrue(tome.proportionalAttention());
        TokenReduction evit = TokenReductionSpec.parse("evit:keep=0.7,layers=2,4,fuse=true", 6, 65);
        assertArrayEquals(new int[] {2, 4}, ((AttentiveTokenKeeping) evit).layers());
        assertTrue(((AttentiveTokenKeeping) evit).fuse());
        AttentionGraphPruning z = (AttentionGraphPruning) TokenReductionSpec.parse("zerotprune:keep=0.7", 6, 65);
        assertArrayEquals(new int[] {2, 4}, z.layers());
        assertEquals(TokenReductionSpec.DEFAULT_ITERATIONS, z.iterations());

        assertError("tome:r=33", "between 1 and 32");
        assertError("evit:keep=0", "(0, 1]");
        assertError("evit:keep=1.5", "(0, 1]");
        assertError("zerotprune:keep=0.7,layers=6", "layer 6 does not exist");
        assertError("tome:r=8,keep=0.5", "no option 'keep'");
        assertError("merge:r=8", "unknown method");
        assertError("tome", "r= is required");
        assertError("evit:keep=abc", "not a number");
    }

    private static void assertError(String spec, String fragment) {
        UserError e = assertThrows(UserError.class, () -> TokenReductionSpec.parse(spec, 6, 65));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith("--tokens " + spec), e.getMessage());
    }
}
