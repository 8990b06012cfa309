package org.prune4j.internal.train.lm;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.prune4j.UserError;

/**
 * Training windows of token ids, split once into a training and a validation part by a seeded shuffle.
 * The order of the training windows in epoch {@code e} depends only on the seed and {@code e}, so a run
 * resumed at any step sees the batches the uninterrupted run would have seen.
 */
public final class TokenWindowSet {
    private final int[][] train;
    private final int[][] validation;
    private final long seed;

    private TokenWindowSet(int[][] train, int[][] validation, long seed) {
        this.train = train;
        this.validation = validation;
        this.seed = seed;
    }

    /**
     * Non-overlapping windows of {@code seqLen} tokens from {@code stream} (the remainder dropped).
     *
     * @throws UserError naming {@code source} when the stream holds less than one window
     */
    public static int[][] windows(int[] stream, int seqLen, String source) {
        if (seqLen < 2) {
            throw new UserError("--seqlen " + seqLen + ": a window needs at least 2 tokens");
        }
        int n = stream.length / seqLen;
        if (n == 0) {
            throw new UserError(source + ": " + stream.length + " tokens, shorter than one training window of " + seqLen);
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(stream, i * seqLen, (i + 1) * seqLen);
        }
        return out;
    }

    /**
     * Holds out {@code round(validationFraction·n)} windows (at least one when the fraction is positive and
     * at least two windows exist) chosen by a shuffle with {@code seed}.
     */
    public static TokenWindowSet split(int[][] windows, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new UserError("--val-fraction must be in [0, 1) (got " + validationFraction + ")");
        }
        int n = windows.length;
        int[] order = permutation(n, new SplittableRandom(seed ^ 0x5DEECE66DL));
        int nVal = validationFraction == 0 || n < 2 ? 0 : Math.max(1, (int) Math.round(validationFraction * n));
        nVal = Math.min(nVal, n - 1);
        int[][] val = new int[nVal][];
        int[][] tr = new int[n - nVal][];
        for (int i = 0; i < n; i++) {
            if (i < nVal) {
                val[i] = windows[order[i]];
            } else {
                tr[i - nVal] = windows[order[i]];
            }
        }
        return new TokenWindowSet(tr, val, seed);
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    public int trainWindows() {
        return train.length;
    }

    public int validationWindows() {
        return validation.length;
    }

    public int seqLen() {
        return train[0].length;
    }

    /** The validation windows (shared arrays: do not modify). */
    public int[][] validation() {
        return validation.clone();
    }

    /** Batches of {@code batchSize} windows per epoch (the last partial batch dropped, at least one). */
    public int batchesPerEpoch(int batchSize) {
        return Math.max(1, train.length / batchSize);
    }

    /** Batch {@code index} of epoch {@code epoch}: {@code min(batchSize, windows)} rows. */
    public int[][] batch(long epoch, int index, int batchSize) {
        int[] order = permutation(train.length, new SplittableRandom(seed * 31 + epoch));
        int b = Math.min(batchSize, train.length);
        int[][] out = new int[b][];
        for (int i = 0; i < b; i++) {
            out[i] = train[order[(index * b + i) % train.length]];
        }
        return out;
    }
}
