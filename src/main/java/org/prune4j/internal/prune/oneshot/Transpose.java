package org.prune4j.internal.prune.oneshot;

import java.util.stream.IntStream;

/** Cache-blocked transposition of row-major float matrices. */
final class Transpose {
    private static final int TILE = 64;

    private Transpose() {
    }

    /** The transpose of a row-major {@code rows × cols} matrix, as a row-major {@code cols × rows} array. */
    static float[] of(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        int tiles = (rows + TILE - 1) / TILE;
        IntStream.range(0, tiles).parallel().forEach(tr -> {
            int r0 = tr * TILE;
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int base = r * cols;
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = a[base + c];
                    }
                }
            }
        });
        return t;
    }

    /** The transpose of a row-major {@code rows × cols} flag matrix. */
    static boolean[] of(boolean[] a, int rows, int cols) {
        boolean[] t = new boolean[a.length];
        int tiles = (rows + TILE - 1) / TILE;
        IntStream.range(0, tiles).parallel().forEach(tr -> {
            int r0 = tr * TILE;
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int base = r * cols;
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = a[base + c];
                    }
                }
            }
        });
        return t;
    }
}
