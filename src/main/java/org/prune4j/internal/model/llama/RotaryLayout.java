package org.prune4j.internal.model.llama;

/**
 * Converts q/k projection rows between the interleaved rotary layout (llama2.c, Meta's original
 * checkpoints: pairs {@code (2j, 2j+1)} of a head rotate together) and Hugging Face's half-split layout
 * (pairs {@code (j, j + headDim/2)}).
 */
public final class RotaryLayout {
    private RotaryLayout() {}

    /**
     * Reorders the rows of a row-major {@code [heads*headDim, cols]} matrix from interleaved to
     * half-split layout. Row {@code j < headDim/2} of a head takes interleaved row {@code 2j}; row
     * {@code headDim/2 + j} takes row {@code 2j+1}.
     */
    public static float[] interleavedToHalfSplit(float[] w, int heads, int headDim, int cols) {
        return permute(w, heads, headDim, cols, true);
    }

    /** The inverse of {@link #interleavedToHalfSplit}. */
    public static float[] halfSplitToInterleaved(float[] w, int heads, int headDim, int cols) {
        return permute(w, heads, headDim, cols, false);
    }

    /** Row index in the interleaved layout of half-split row {@code r} within a head. */
    public static int interleavedRowOf(int r, int headDim) {
        int half = headDim / 2;
        return r < half ? 2 * r : 2 * (r - half) + 1;
    }

    private static float[] permute(float[] w, int heads, int headDim, int cols, boolean toHalfSplit) {
        if ((long) heads * headDim * cols != w.length) {
            throw new IllegalArgumentException("matrix of " + w.length + " values is not " + heads + "x" + headDim + "x" + cols);
        }
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int r = 0; r < headDim; r++) {
                int inter = h * headDim + interleavedRowOf(r, headDim);
                int split = h * headDim + r;
                int src = toHalfSplit ? inter : split;
                int dst = toHalfSplit ? split : inter;
                System.arraycopy(w, src * cols, out, dst * cols, cols);
            }
        }
        return out;
    }
}
