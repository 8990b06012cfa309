package org.prune4j.internal.tokenizer;

/**
 * The merge phase of llama2.c's {@code encode()}: while some adjacent pair of tokens concatenates to a
 * vocabulary entry, replace the pair whose entry has the highest score by that entry; among equal scores
 * the leftmost pair wins. run.c rescans the whole sequence after every merge (quadratic); this class gives
 * the identical result in O(n log n), and in practice in near-linear time on prose.
 *
 * <h2>1. Splitting into independent segments</h2>
 * Every symbol's bytes are the concatenation of the bytes of the initial symbols it covers (a merge looks
 * up exactly {@code piece(a) + piece(b)}). So a symbol spanning the boundary between initial symbols
 * {@code k} and {@code k+1} contains, as a substring, the last byte of {@code piece(k)} followed by the
 * first byte of {@code piece(k+1)}. If no vocabulary piece contains that byte pair (and both pieces are
 * non-empty), no merge can ever cross the boundary. Cutting the sequence at all such boundaries gives
 * segments that evolve independently: a merge changes only pairs inside its own segment, the pair across
 * a cut is never mergeable, and since run.c's global choice is the best candidate overall, the merges it
 * performs inside one segment are, in order, the best candidate of that segment each time, i.e. exactly
 * the merges of running the loop on the segment alone (sequence order = position order, so the leftmost
 * rule carries over). On English text with the Llama vocabulary segments average about four bytes.
 *
 * <h2>2. Each segment</h2>
 * Short segments (at most {@code scanLimit} symbols) run run.c's loop literally. Longer ones use a doubly
 * linked list over the initial positions (a symbol keeps the position of its left end for its whole life)
 * and a min-heap of candidate merges as one {@code long} key: high 32 bits order scores descending, low
 * 32 bits hold the position of the pair's left symbol. Candidates are invalidated lazily: a popped key is
 * acted upon only if the pair that currently starts at its position is mergeable with exactly that key.
 * <ol>
 *   <li>Invariant: every currently adjacent mergeable pair has at least one heap entry with its current
 *       key. It holds initially (all pairs are pushed). A merge of {@code (L, R)} changes only the pairs
 *       {@code (P, L)} and {@code (L, R')} (L's id changed, R' is R's successor), and both are pushed right
 *       after the merge. A popped entry is discarded only when no current pair has its key, so no current
 *       pair loses its last entry.</li>
 *   <li>Merges never reorder symbols, so the order of current sequence indices (run.c's {@code i}) is the
 *       order of initial positions, and run.c's choice, "highest score, then smallest index", is the
 *       minimum key over the current mergeable pairs.</li>
 *   <li>A popped key is the heap minimum, and by (1) every current mergeable pair's key is at least that
 *       large. If the current pair at the popped position has exactly the popped key, it is that minimum,
 *       i.e. run.c's choice (keys are unique per position, so there are no ties).</li>
 *   <li>Scores compare as in run.c: {@code -0.0} is normalized to {@code 0.0} first, so equal floats get
 *       equal keys and ties fall to the position; a pair is mergeable only if its score is
 *       {@code > -1e10f} (run.c's initial {@code best_score}), which excludes NaN as run.c's {@code >}
 *       does.</li>
 * </ol>
 * Each merge pushes at most two entries, so a segment of {@code n} symbols sees at most {@code 3n}.
 */
final class ScoredPairMerger {
    /** run.c's initial {@code best_score}: a merge must score strictly more than this. */
    static final float SCORE_FLOOR = -1e10f;
    /** Segments up to this many symbols use run.c's loop directly. */
    static final int DEFAULT_SCAN_LIMIT = 12;
    private static final long LOW_32 = 0xFFFF_FFFFL;
    private static final long NOT_MERGEABLE = Long.MAX_VALUE;

    private final LongToIdMap pairToMerged;
    private final float[] scores;
    private final int[] firstByte;
    private final int[] lastByte;
    private final long[] bytePairInVocabulary;
    private final int scanLimit;

    /**
     * @param pairToMerged {@link #pairKey(int, int)} of two token ids to the id of their concatenation
     * @param scores score of every token id
     * @param pieces bytes of every token id
     * @param scanLimit segments up to this length use the direct loop (0: always the heap)
     */
    ScoredPairMerger(LongToIdMap pairToMerged, float[] scores, byte[][] pieces, int scanLimit) {
        this.pairToMerged = pairToMerged;
        this.scores = scores;
        this.scanLimit = scanLimit;
        firstByte = new int[pieces.length];
        lastByte = new int[pieces.length];
        bytePairInVocabulary = new long[65536 / 64];
        for (int id = 0; id < pieces.length; id++) {
            byte[] p = pieces[id];
            firstByte[id] = p.length == 0 ? -1 : p[0] & 0xFF;
            lastByte[id] = p.length == 0 ? -1 : p[p.length - 1] & 0xFF;
            for (int k = 0; k + 1 < p.length; k++) {
                int pair = (p[k] & 0xFF) << 8 | (p[k + 1] & 0xFF);
                bytePairInVocabulary[pair >>> 6] |= 1L << pair;
            }
        }
    }

    /** The key of the ordered token pair {@code (left, right)} in the pair table. */
    static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & LOW_32);
    }

    /** Merges the first {@code n} entries of {@code tokens} in place and returns the new length. */
    int mergeInPlace(int[] tokens, int n) {
        Workspace ws = null;
        int out = 0;
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i < n && mayCross(tokens[i - 1], tokens[i])) {
                continue;
            }
            int length = i - start;
            if (length > 1) {
                if (length <= scanLimit) {
                    length = mergeByScan(tokens, start, length);
                } else {
                    if (ws == null) {
                        ws = new Workspace(n);
                    }
                    length = mergeByHeap(tokens, start, i, ws);
                }
            }
            System.arraycopy(tokens, start, tokens, out, length);
            out += length;
            start = i;
        }
        return out;
    }

    /** False when no merge can ever span the boundary between symbols {@code a} and {@code b} (section 1). */
    private boolean mayCross(int a, int b) {
        int last = lastByte[a];
        int first = firstByte[b];
        if (last < 0 || first < 0) {
            return true;
        }
        int pair = last << 8 | first;
        return (bytePairInVocabulary[pair >>> 6] & (1L << pair)) != 0;
    }

    /** run.c's loop on {@code tokens[from, from + length)}; returns the merged length. */
    private int mergeByScan(int[] tokens, int from, int length) {
        while (length > 1) {
            float best = SCORE_FLOOR;
            int bestId = -1;
            int bestIndex = -1;
            for (int i = from; i < from + length - 1; i++) {
                int id = pairToMerged.get(pairKey(tokens[i], tokens[i + 1]));
                if (id >= 0 && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestIndex = i;
                }
            }
            if (bestIndex < 0) {
                break;
            }
            tokens[bestIndex] = bestId;
            System.arraycopy(tokens, bestIndex + 2, tokens, bestIndex + 1, from + length - bestIndex - 2);
            length--;
        }
        return length;
    }

    /** The heap merge (section 2) on {@code tokens[from, to)}; the result is left at {@code from}. */
    private int mergeByHeap(int[] tokens, int from, int to, Workspace ws) {
        int[] next = ws.next;
        int[] prev = ws.prev;
        LongMinHeap heap = ws.heap;
        heap.clear();
        int count = 0;
        for (int i = from; i < to; i++) {
            next[i] = i + 1 < to ? i + 1 : -1;
            prev[i] = i - 1 >= from ? i - 1 : -1;
            if (i + 1 < to) {
                long key = candidateKey(tokens[i], tokens[i + 1], i);
                if (key != NOT_MERGEABLE) {
                    ws.initial[count++] = key;
                }
            }
        }
        heap.addAll(ws.initial, count);
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
        int out = from;
        for (int i = from; i >= 0; i = next[i]) { // the first symbol is never a right partner: it heads the list
            tokens[out++] = tokens[i];
        }
        return out - from;
    }

    private void pushCandidate(LongMinHeap heap, int[] tokens, int left, int right) {
        long key = candidateKey(tokens[left], tokens[right], left);
        if (key != NOT_MERGEABLE) {
            heap.push(key);
        }
    }

    /** The heap key of merging {@code (a, b)} at {@code position}, or {@link #NOT_MERGEABLE}. */
    private long candidateKey(int a, int b, int position) {
        int merged = pairToMerged.get(pairKey(a, b));
        if (merged < 0) {
            return NOT_MERGEABLE;
        }
        float score = scores[merged];
        if (!(score > SCORE_FLOOR)) {
            return NOT_MERGEABLE;
        }
        if (score == 0.0f) {
            score = 0.0f; // -0.0 == 0.0 for run.c's comparison; give both the same key
        }
        int bits = Float.floatToRawIntBits(score);
        int ascending = bits ^ ((bits >> 31) & 0x7FFF_FFFF); // signed-int order == float order
        int descending = ~ascending;
        return ((long) descending << 32) | position;
    }

    /** Scratch arrays of one {@link #mergeInPlace} call, shared by its segments. */
    private static final class Workspace {
        final int[] next;
        final int[] prev;
        final long[] initial;
        final LongMinHeap heap;

        Workspace(int n) {
            next = new int[n];
            prev = new int[n];
            initial = new long[n];
            heap = new LongMinHeap(64);
        }
    }
}
