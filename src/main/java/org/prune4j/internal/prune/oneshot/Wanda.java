package org.prune4j.internal.prune.oneshot;

import ai.djl.ndarray.NDArray;
import java.util.stream.IntStream;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;

/**
 * Wanda (Sun et al. 2023, "A Simple and Effective Pruning Approach for Large Language Models"):
 * prune by {@code |W| · sqrt(scaler_row)}, following wanda's {@code prune_wanda} with
 * {@code use_variant=False}.
 *
 * <ul>
 *   <li>Unstructured: the comparison group is one output row; each row loses exactly
 *       {@code (int) (cols * s)} entries, the smallest metrics, ties going to the lower column index
 *       (torch's stable sort). Selected exactly on (metric, column) keys, without a sort.</li>
 *   <li>N:M: the group rule of {@link Magnitude}, on the metric.</li>
 * </ul>
 * The weight is not changed: apply the mask.
 */
public final class Wanda {
    private Wanda() {
    }

    /**
     * The metric {@code |W[r, c]| · sqrt(scaler_row[c])} in float32, row-major (also the score OWL
     * pools).
     */
    public static float[] metric(float[] weight, int rows, int cols, float[] scalerRow) {
        Matrices.checkSize(weight, rows, cols);
        if (scalerRow.length != cols) {
            throw new IllegalArgumentException("scaler_row has " + scalerRow.length + " entries, weight " + cols + " columns");
        }
        float[] m = weight.clone();
        metricInPlace(m, rows, cols, scalerRow);
        return m;
    }

    /** Overwrites a row-major weight with its metric. */
    private static void metricInPlace(float[] w, int rows, int cols, float[] scalerRow) {
        if (scalerRow.length != cols) {
            throw new IllegalArgumentException("scaler_row has " + scalerRow.length + " entries, weight " + cols + " columns");
        }
        float[] sqrt = new float[cols];
        for (int c = 0; c < cols; c++) {
            sqrt[c] = (float) Math.sqrt(scalerRow[c]);
        }
        IntStream.range(0, rows).parallel().forEach(r -> {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                w[base + c] = Math.abs(w[base + c]) * sqrt[c];
            }
        });
    }

    /** The metric of a {@code [rows, cols]} weight NDArray (row-major), e.g. as OWL's scores. */
    public static float[] metric(NDArray weight, WandaStatistics stats) {
        int[] rc = Matrices.rowsCols(weight);
        float[] m = Matrices.toFloats(weight);
        metricInPlace(m, rc[0], rc[1], stats.scalerRow());
        return m;
    }

    /** The mask of a {@code [rows, cols]} weight NDArray given its statistics. */
    public static PruningMask mask(NDArray weight, WandaStatistics stats, SparsityPattern pattern) {
        int[] rc = Matrices.rowsCols(weight);
        float[] metric = Matrices.toFloats(weight);
        metricInPlace(metric, rc[0], rc[1], stats.scalerRow());
        return maskFromMetric(metric, rc[0], rc[1], pattern);
    }

    /** The mask of a row-major {@code rows × cols} weight given {@code scaler_row}. */
    public static PruningMask mask(float[] weight, int rows, int cols, float[] scalerRow, SparsityPattern pattern) {
        return maskFromMetric(metric(weight, rows, cols, scalerRow), rows, cols, pattern);
    }

    /** The Wanda selection rule applied to a precomputed row-major metric. */
    public static PruningMask maskFromMetric(float[] metric, int rows, int cols, SparsityPattern pattern) {
        Matrices.checkSize(metric, rows, cols);
        boolean[] pruned = new boolean[metric.length];
        switch (pattern) {
            case SparsityPattern.Unstructured u -> {
                int k = (int) (cols * u.sparsity());
                if (k > 0) {
                    IntStream.range(0, rows).parallel().forEach(new RowPruner(metric, pruned, cols, k)::pruneRow);
                }
            }
            case SparsityPattern.NOfM nm -> NOfMGroups.markRows(metric, pruned, rows, cols, nm);
        }
        return new PruningMask(rows, cols, pruned);
    }

    /** Prunes the k smallest (metric, column) keys of a row; one scratch array per thread. */
    private record RowPruner(float[] metric, boolean[] pruned, int cols, int k) {
        private static final ThreadLocal<long[]> SCRATCH = new ThreadLocal<>();

        void pruneRow(int r) {
            long[] keys = SCRATCH.get();
            if (keys == null || keys.length < cols) {
                keys = new long[cols];
                SCRATCH.set(keys);
            }
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                keys[c] = ((long) Selection.key(metric[base + c]) << 32) | c;
            }
            Selection.select(keys, cols, k - 1);
            // keys are unique, so keys[0, k) are exactly the k smallest
            for (int i = 0; i < k; i++) {
                pruned[base + (int) keys[i]] = true;
            }
        }
    }
}
