package org.prune4j.internal.eval;

import org.prune4j.UserError;

/** Cuts a token stream into non-overlapping evaluation windows. */
public final class TokenWindows {
    private TokenWindows() {}

    /**
     * Consecutive windows {@code [k·seqLen, (k+1)·seqLen)} of {@code stream}; the remainder shorter than a
     * window is dropped. At most {@code maxWindows} windows ({@code ≤ 0}: all).
     *
     * @throws UserError when the stream holds less than one window
     */
    public static int[][] split(int[] stream, int seqLen, int maxWindows) {
        if (seqLen < 2) {
            throw new UserError("--seqlen " + seqLen + ": a window needs at least 2 tokens");
        }
        int n = stream.length / seqLen;
        if (maxWindows > 0) {
            n = Math.min(n, maxWindows);
        }
        if (n == 0) {
            throw new UserError("the text has " + stream.length + " tokens, fewer than one window of " + seqLen);
        }
        int[][] out = new int[n][seqLen];
        for (int i = 0; i < n; i++) {
            System.arraycopy(stream, i * seqLen, out[i], 0, seqLen);
        }
        return out;
    }
}
