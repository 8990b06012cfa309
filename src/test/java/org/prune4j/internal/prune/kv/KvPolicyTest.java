package org.prune4j.internal.prune.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.KvLayerView;

/** Which entries each eviction policy keeps, on hand-made cache layers. */
class KvPolicyTest {

    /** A layer of {@code count} entries at positions 0..count-1; keys, queries and scores given per head. */
    private record Layer(int heads, int group, int count, int headDim, float[][] scores, float[][][] keys,
            float[][][] queries, int[] queryPositions) implements KvLayerView {
        @Override
        public int queryHeadsPerHead() {
            return group;
        }

        @Override
        public int position(int head, int entry) {
            return entry;
        }

        @Override
        public float accumulatedAttention(int head, int entry) {
            return scores[head][entry];
        }

        @Override
        public float[] key(int head, int entry) {
            return keys[head][entry];
        }

        @Override
        public int recentQueries() {
            return queryPositions.length;
        }

        @Override
        public float[] recentQuery(int i, int queryHead) {
            return queries[i][queryHead];
        }

        @Override
        public int recentQueryPosition(int i) {
            return queryPositions[i];
        }
    }

    private static Layer plain(int heads, int count) {
        return new Layer(heads, 1, count, 2, new float[heads][count], null, null, new int[0]);
    }

    @Test
    void windowKeepsTheMostRecentEntries() {
        assertArrayEquals(new int[][] {{6, 7, 8, 9}, {6, 7, 8, 9}}, new SlidingWindow().keep(plain(2, 10), 4));
    }

    @Test
    void sinksKeepTheFirstTokensAndTheMostRecentOnes() {
        assertArrayEquals(new int[][] {{0, 1, 7, 8, 9}}, new AttentionSinks(2).keep(plain(1, 10), 5));
        assertArrayEquals(new int[][] {{0, 1, 2}}, new AttentionSinks(4).keep(plain(1, 10), 3), "sinks only");
        assertTrue(new AttentionSinks(4).rotatesBySlot());
    }

    @Test
    void heavyHittersKeepTheMostAttendedOlderEntriesPerHeadPlusTheRecentOnes() {
        float[][] scores = {
            {0.9f, 0.1f, 0.5f, 0.7f, 0.2f, 0, 0, 0},
            {0.1f, 0.8f, 0.8f, 0.3f, 0.9f, 0, 0, 0}};
        Layer layer = new Layer(2, 1, 8, 2, scores, null, null, new int[0]);
        // target 6: 3 recent (entries 5, 6, 7) + the 3 best of entries 0..4
        int[][] keep = new HeavyHitters(0.5).keep(layer, 6);
        assertArrayEquals(new int[] {0, 2, 3, 5, 6, 7}, keep[0]);
        assertArrayEquals(new int[] {1, 2, 4, 5, 6, 7}, keep[1]);
    }

    @Test
    void snapKvKeepsTheOlderEntriesTheObservationWindowAttendsToWithTheWindow() {
        // one head of width 2; entry 1's key points where the window's queries point, the others away
        float[][][] keys = {{{-1, 0}, {5, 0}, {-1, 0}, {-1, 0}, {0, 1}, {0, 1}}};
        float[][][] queries = {{{1, 0}}, {{1, 0}}};
        Layer layer = new Layer(1, 1, 6, 2, new float[1][6], keys, queries, new int[] {4, 5});
        SnapKv snap = new SnapKv(2, 1, false, false);
        // window 2 keeps entries 4 and 5; one older entry fits: entry 1
        assertArrayEquals(new int[][] {{1, 4, 5}}, snap.keep(layer, 3));
        // votes are softmax shares: query at position 4 cannot see entry 5
        double[] votes = SnapKv.votes(layer, 0, 4);
        double e5 = Math.exp(5 / Math.sqrt(2));
        double em1 = Math.exp(-1 / Math.sqrt(2));
        double first = e5 / (e5 + 3 * em1 + 1);
        double second = e5 / (e5 + 3 * em1 + 2);
        assertEquals(first + second, votes[1], 1e-9);
    }

    @Test
    void snapKvPoolingCountsThePaddingLikeAvgPool1d() {
        double[] pooled = new SnapKv(32, 3, false, false).pool(new double[] {0, 0, 6, 0, 0, 3});
        assertArrayEquals(new double[] {0, 2, 2, 2, 1, 1}, pooled, 1e-12);
        double[] max = new SnapKv(32, 3, true, false).pool(new double[] {0, 0, 6, 0, 0, 3});
        assertArrayEquals(new double[] {0, 6, 6, 6, 3, 3}, max, 1e-12);
    }

    @Test
    void snapKvSumsTheVotesOfTheQueryHeadsAKeyValueHeadServes() {
        // one kv head serving 2 query heads: head 0 looks at entry 0, head 1 at entry 1 (twice as hard)
        float[][][] keys = {{{1, 0}, {0, 1}, {0, 0}}};
        float[][][] queries = {{{3, 0}, {0, 6}}};
        Layer layer = new Layer(1, 2, 3, 2, new float[1][3], keys, queries, new int[] {2});
        double[] votes = SnapKv.votes(layer, 0, 2);
        double s = Math.sqrt(2);
        double h0e0 = Math.exp(3 / s) / (Math.exp(3 / s) + 2);
        double h0e1 = 1 / (Math.exp(3 / s) + 2);
        double h1e1 = Math.exp(6 / s) / (Math.exp(6 / s) + 2);
        double h1e0 = 1 / (Math.exp(6 / s) + 2);
        assertEquals(h0e0 + h1e0, votes[0], 1e-9);
        assertEquals(h0e1 + h1e1, votes[1], 1e-9);
    }

    @Test
    void specsParseAndBadOnesAreOneLineErrors() {
        assertNull(KvCacheSpec.parse("full", null).policy());
        assertEquals(new AttentionSinks(4), KvCacheSpec.parse("sinks", 64).policy());
        assertEquals(new AttentionSinks(2), KvCacheSpec.parse("sinks:sinks=2", 8).policy());
        assertEquals(new HeavyHitters(0.25), KvCacheSpec.parse("h2o:recent=0.25", 8).policy());
        assertEquals(new SnapKv(16, 7, true, true), KvCacheSpec.parse("snapkv:window=16,kernel=7,pool=max,heads=query", 64).policy());
        assertError("sinks", 4, "smaller than the 4 sink tokens plus one");
        assertError("window", null, "needs --kv-budget");
        assertError("full", 64, "the full cache takes no budget");
        assertError("lru", 64, "unknown policy 'lru'");
        assertError("window:sinks=4", 64, "this policy takes no option 'sinks'");
        assertError("h2o:recent=2", 64, "recent=2.0 must be in [0, 1]");
        assertError("snapkv:pool=median", 64, "pool=median must be avg or max");
        assertError("window", 0, "must be at least 1");
    }

    private static void assertError(String spec, Integer budget, String fragment) {
        UserError e = assertThrows(UserError.class, () -> KvCacheSpec.parse(spec, budget));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
