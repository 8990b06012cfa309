package org.prune4j.tokenizer;

/**
 * The merge phase of llama2.c's {@code encode()}: while some adjacent pair of tokens concatenates to a
 * vocabulary entry, replace the pair whose entry has the highest score by that entry; among equal scores
 * the leftmost pair wins. run.c rescans the whole sequence after every merge (quadratic); this class gives
 * the identical result in O(n log n).
 *
 * <h2>Algorithm</h2>
 * The symbols form a doubly linked list over the initial positions {@code 0..n-1}; a symbol keeps the
 * initial position of its left end for its whole life. A min-heap holds candidate merges as one
 * {@code long} key: the high 32 bits order scores descending, the low 32 bits hold the position of the
 * pair's left symbol. Candidates are invalidated lazily: a popped key is acted upon only if the pair that
 * currently starts at its position is mergeable and has exactly that key.
 *
 * <h2>Why the result equals run.c's</h2>
 * <ol>
 *   <li>Invariant: every pair that is currently adjacent and mergeable has at least one heap entry with
 *       its current key. It holds initially (all pairs are pushed). A merge of {@code (L, R)} changes only
 *       the pairs {@code (P, L)} and {@code (L, R')} (the symbol at L changed id, R' is R's successor); both
 *       are pushed right after the merge. Entries are only removed when popped, and a popped entry is
 *       discarded only when no current pair has its key (the current pair at that position has another
 *       key or is not mergeable), so no current pair loses its last entry.</li>
 *   <li>Merges never reorder symbols, so the order of current sequence indices (run.c's {@code i}) equals
 *       the order of the symbols' initial positions. Hence run.c's choice, "highest score, then smallest
 *       index", is the minimum key over the current mergeable pairs.</li>
 *   <li>A popped key is the heap minimum; every current mergeable pair has an entry (1), so its key is
 *       at least the popped key. If the current pair at the popped position has exactly the popped key,
 *       it is that minimum, i.e. run.c's choice (keys are unique per position, so there is no tie).</li>
 *   <li>Scores compare as floats do in run.c: {@code -0.0} is normalized to {@code 0.0} before encoding,
 *       so equal floats get equal keys and ties fall to the position; a pair is mergeable only if its
 *       score is {@code > -1e10f} (run.c's initial {@code best_score}), which also excludes NaN, which
 *       run.c's {@code >} never selects.</li>
 * </ol>
 * Every merge pushes at most two entries, so the heap sees at most {@code 3n} entries.
 */
final class ScoredPairMerger {
    /** run.c's initial {@code best_score}: a merge must score strictly more than this. */
    static final float SCORE_FLOOR = -1e10f;
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private final LongToIdMap pairToMerged;
    private final float[] scores;

    /**
     * @param pairToMerged {@link #pairKey(int, int)} of two token ids to the id of their concatenation
     * @param scores score of every token id
     */
    ScoredPairMerger(LongToIdMap pairToMerged, float[] scores) {
        this.pairToMerged = pairToMerged;
        this.scores = scores;
    }

    /** The key of the ordered token pair {@code (left, right)} in the pair table. */
    static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & LOW_32);
    }

    /**
     * Merges the first {@code n} entries of {@code tokens} in place and returns the new length.
     */
    int mergeInPlace(int[] tokens, int n) {
        if (n < 2) {
            return n;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        long[] initial = new long[n - 1];
        int count = 0;
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            if (i + 1 < n) {
                long key = candidateKey(tokens[i], tokens[i + 1], i);
                if (key != Long.MAX_VALUE) {
                    initial[count++] = key;
                }
            }
        }
        LongMinHeap heap = new LongMinHeap(count + 16);
        heap.addAll(initial, count);
        while (!heap.isEmpty()) {
            long key = heap.pop();
            int left = (int) (key & LOW_32);
            int right = next[left];
            if (tokens[left] < 0 || right < 0 || candidateKey(tokens[left], tokens[right], left) != key) {
                continue; // stale: the pair at this position changed since the entry was pushed
            }
            tokens[left] = pairToMerged.get(pairKey(tokens[left], tokens[right]));
            tokens[right] = -1;
            int after = next[right];
            next[left] = after;
            if (after >= 0) {
                prev[after] = left;
                pushCandidate(heap, tokens, left, after);
            }
            int before = prev[left];
            if (before >= 0) {
                pushCandidate(heap, tokens, before, left);
            }
        }
        int out = 0;
        for (int i = 0; i >= 0; i = next[i]) { // position 0 is never a right partner, so it heads the list
            tokens[out++] = tokens[i];
        }
        return out;
    }

    private void pushCandidate(LongMinHeap heap, int[] tokens, int left, int right) {
        long key = candidateKey(tokens[left], tokens[right], left);
        if (key != Long.MAX_VALUE) {
            heap.push(key);
        }
    }

    /** The heap key of merging {@code (a, b)} at {@code position}, or {@code Long.MAX_VALUE} if not mergeable. */
    private long candidateKey(int a, int b, int position) {
        int merged = pairToMerged.get(pairKey(a, b));
        if (merged < 0) {
            return Long.MAX_VALUE;
        }
        float score = scores[merged];
        if (!(score > SCORE_FLOOR)) {
            return Long.MAX_VALUE;
        }
        if (score == 0.0f) {
            score = 0.0f; // -0.0 == 0.0 for run.c's comparison; give both the same key
        }
        int bits = Float.floatToRawIntBits(score);
        int ascending = bits ^ ((bits >> 31) & 0x7FFF_FFFF); // signed-int order == float order
        int descending = ~ascending;
        return ((long) descending << 32) | position;
    }
}
