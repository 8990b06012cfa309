package org.prune4j.internal.prune.oneshot;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.prune4j.UserError;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;

/**
 * DSnoT (Zhang et al., ICLR 2024, "Dynamic Sparse No Training"): refines an initial Wanda or magnitude
 * mask without any weight update. Every output row repeatedly regrows one pruned weight and prunes one
 * kept weight, driving its expected output error {@code e = Σ_{pruned j} W_ij·μ_j} towards zero. The
 * semantics are those of zyxxmu/DSnoT {@code prune_DSnoT} at commit 4c029df, bit for bit (see
 * {@code src/test/resources/reference/recovery/README.md}), including what it does on narrow rows:
 *
 * <ul>
 *   <li>Metrics: {@code c = W·μ}; initial metric {@code |W|·sqrt(S)} (Wanda) or {@code |W|}; the pruning
 *       order always uses the Wanda metric.</li>
 *   <li>Initial mask: per row, the {@code int(cols·s)} smallest initial metrics (ties: lower column first);
 *       for magnitude this is row-wise, unlike wanda's matrix-wide magnitude. N:M: the N smallest of every
 *       group of M.</li>
 *   <li>Regrow order {@code R}: ascending {@code c/V^p} over all columns, kept columns counting 0. Prune
 *       order {@code Q} (unstructured): kept columns by ascending Wanda metric, then those with {@code c < 0}
 *       in order followed by those with {@code c > 0} reversed.</li>
 *   <li>All rows advance in lockstep for at most {@link Settings#maxCycles} cycles while any row is active. In
 *       the original, a row that stopped still moves its pointers and writes {@code mask[p] = pruned,
 *       mask[g] = kept}, which changes the mask once the pointers leave the entries of their kind: sparsity
 *       is then not conserved and N:M groups break. With {@link Settings#corrected} a stopped row does
 *       nothing, and a row also stops when its next regrow candidate is not pruned, its prune candidate
 *       not kept, or a list is exhausted: every change is then a swap, the sparsity is exact and N:M
 *       groups stay N:M.</li>
 * </ul>
 * Pure math on row-major {@code float[]} matrices: no NDArray, no pipeline.
 */
public final class Dsnot {
    /** main.py's {@code --max_cycle_time} default. */
    public static final int ORIGINAL_MAX_CYCLES = 50;

    private Dsnot() {}

    /** The mask DSnoT starts from. */
    public enum InitialMask {
        WANDA,
        MAGNITUDE;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code wanda|magnitude}. */
        public static InitialMask parse(String s) {
            for (InitialMask m : values()) {
                if (m.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new UserError("--dsnot-init " + s + ": unknown initial mask (wanda, magnitude)");
        }
    }

    /** Which sub-layers keep their initial mask ({@code --skip_layer}; the original's default is {@code mlp}). */
    public enum SkippedLayers {
        MLP("mlp"),
        SELF_ATTN("self_attn"),
        NONE("none");

        private final String cliName;

        SkippedLayers(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        /** True when the Linear at {@code path} (relative to its block, e.g. {@code mlp.up_proj}) is refined. */
        public boolean refines(String path) {
            return this == NONE || !path.split("\\.")[0].equals(cliName);
        }

        /** Parses {@code mlp|self_attn|none}. */
        public static SkippedLayers parse(String s) {
            for (SkippedLayers k : values()) {
                if (k.cliName.equals(s.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new UserError("--dsnot-skip " + s + ": unknown choice (mlp, self_attn, none)");
        }
    }

    /**
     * Per-input-feature statistics (see {@link DsnotStatistics}).
     *
     * @param scalerRow {@code S = Σ x²/n}
     * @param sumMetricRow {@code μ = Σ x/n}
     * @param variance {@code V}, the mean of the per-sequence population variances
     */
    public record Statistics(float[] scalerRow, float[] sumMetricRow, float[] variance) {
        public Statistics {
            if (scalerRow.length != sumMetricRow.length || scalerRow.length != variance.length) {
                throw new IllegalArgumentException("statistics of different lengths");
            }
        }
    }

    /**
     * DSnoT's hyper-parameters.
     *
     * @param init the initial mask
     * @param maxCycles the cycle limit; negative means automatic: the original's 50, lowered per matrix to
     *     the longest run its code survives on rows this narrow (see {@link #cycleLimit})
     * @param updateThreshold a row stops once {@code |e|} is at most this ({@code --update_threshold}, 0.1)
     * @param varPower the power of the variance in the regrow metric ({@code --pow_of_var_regrowing}, 1; 0
     *     leaves the metric undivided, as the original does)
     * @param skip the sub-layers that keep their initial mask
     * @param corrected stopped rows stay put and every change is a swap (see the class comment)
     */
    public record Settings(InitialMask init, int maxCycles, float updateThreshold, double varPower,
            SkippedLayers skip, boolean corrected) {
        public Settings {
            if (!(updateThreshold >= 0) || Float.isInfinite(updateThreshold)) {
                throw new UserError("--dsnot-threshold must be a finite number >= 0 (got " + updateThreshold + ")");
            }
            if (!Double.isFinite(varPower)) {
                throw new UserError("--dsnot-var-power must be finite (got " + varPower + ")");
            }
        }

        /** main.py's defaults with the automatic cycle limit, the original semantics. */
        public static Settings defaults(InitialMask init) {
            return new Settings(init, -1, 0.1f, 1, SkippedLayers.MLP, false);
        }

        public Settings withMaxCycles(int n) {
            return new Settings(init, n, updateThreshold, varPower, skip, corrected);
        }

        public Settings withSkip(SkippedLayers s) {
            return new Settings(init, maxCycles, updateThreshold, varPower, s, corrected);
        }

        public Settings withCorrected(boolean c) {
            return new Settings(init, maxCycles, updateThreshold, varPower, skip, c);
        }
    }

    /**
     * The outcome for one matrix.
     *
     * @param initial the initial mask
     * @param mask the refined mask (the initial one for a skipped matrix)
     * @param initialError {@code e} per row before refinement (null for a skipped matrix)
     * @param finalError {@code e} per row after refinement (null for a skipped matrix)
     * @param cycles the cycles run
     */
    public record Result(PruningMask initial, PruningMask mask, float[] initialError, float[] finalError, int cycles) {}

    /**
     * The cycle limit for rows of {@code cols} columns. Automatic: the original's 50, lowered to the length
     * of the list its pointers walk (unstructured: the {@code cols − int(cols·s)} kept entries; N:M: the
     * {@code cols} regrow candidates), beyond which the original raises an index error; on LLaMA-sized rows
     * that is always 50. Corrected: 50. An explicit limit beyond that length with the original semantics is
     * refused.
     */
    public static int cycleLimit(SparsityPattern pattern, int cols, Settings s) {
        int safe = switch (pattern) {
            case SparsityPattern.Unstructured u -> cols - (int) (cols * u.sparsity());
            case SparsityPattern.NOfM nm -> cols;
        };
        if (s.maxCycles() < 0) {
            return s.corrected() ? ORIGINAL_MAX_CYCLES : Math.min(ORIGINAL_MAX_CYCLES, safe);
        }
        if (!s.corrected() && s.maxCycles() > safe) {
            throw new UserError("--dsnot-max-cycles " + s.maxCycles() + ": on rows of " + cols + " columns the original "
                    + "DSnoT runs off its " + safe + "-entry candidate list after " + safe + " cycles (an index error); "
                    + "use at most " + safe + ", or --dsnot-corrected");
        }
        return s.maxCycles();
    }

    /** The initial mask of a row-major {@code rows × cols} weight. */
    public static PruningMask initialMask(float[] w, int rows, int cols, Statistics st, InitialMask init,
            SparsityPattern pattern) {
        Matrices.checkSize(w, rows, cols);
        checkPattern(pattern, cols);
        float[] m0 = initialMetric(w, rows, cols, st, init);
        boolean[] pruned = new boolean[rows * cols];
        IntStream.range(0, rows).parallel().forEach(r -> markInitial(m0, r, cols, pattern, pruned));
        return new PruningMask(rows, cols, pruned);
    }

    /**
     * DSnoT on one matrix: the initial mask, refined unless {@code refine} is false (a skipped sub-layer).
     *
     * @throws UserError for an N:M pattern whose M does not divide {@code cols}, or a refused cycle limit
     */
    public static Result prune(float[] w, int rows, int cols, Statistics st, SparsityPattern pattern, Settings s,
            boolean refine) {
        PruningMask initial = initialMask(w, rows, cols, st, s.init(), pattern);
        if (!refine) {
            return new Result(initial, initial, null, null, 0);
        }
        if (st.scalerRow().length != cols) {
            throw new IllegalArgumentException("statistics have " + st.scalerRow().length + " columns, weight " + cols);
        }
        int limit = cycleLimit(pattern, cols, s);
        boolean[] pruned = initial.pruned().clone();
        float[] c = new float[rows * cols];
        float[] mu = st.sumMetricRow();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[r * cols + j] = w[r * cols + j] * mu[j];
            }
        }
        float[] e0 = new float[rows];
        float[] e = new float[rows];
        int cycles;
        if (pattern instanceof SparsityPattern.NOfM nm) {
            float[] m0 = initialMetric(w, rows, cols, st, s.init());
            NOfMRow[] rs = new NOfMRow[rows];
            IntStream.range(0, rows).parallel().forEach(r -> rs[r] = new NOfMRow(r, cols, nm.m(), c, pruned, m0, st, s));
            cycles = lockstep(rs, limit, s.corrected(), pruned);
            for (int r = 0; r < rows; r++) {
                e0[r] = rs[r].e0;
                e[r] = rs[r].e;
            }
        } else {
            float[] mw = Wanda.metric(w, rows, cols, st.scalerRow());
            UnstructuredRow[] rs = new UnstructuredRow[rows];
            IntStream.range(0, rows).parallel()
                    .forEach(r -> rs[r] = new UnstructuredRow(r, cols, c, pruned, mw, st, s));
            cycles = lockstep(rs, limit, s.corrected(), pruned);
            for (int r = 0; r < rows; r++) {
                e0[r] = rs[r].e0;
                e[r] = rs[r].e;
            }
        }
        return new Result(initial, new PruningMask(rows, cols, pruned), e0, e, cycles);
    }

    /** One row's refinement state. */
    private abstract static class Row {
        final int base;
        float e0;
        float e;
        boolean active = true;

        Row(int base) {
            this.base = base;
        }

        /** One cycle; writes into {@code pruned} (row-major, whole matrix). */
        abstract void cycle(boolean[] pruned, boolean corrected);
    }

    /**
     * Runs all rows in lockstep: a cycle runs while some row is active and fewer than {@code limit} have
     * run; every row takes part in every cycle (the original's stopped rows still move and write).
     */
    private static int lockstep(Row[] rows, int limit, boolean corrected, boolean[] pruned) {
        int cycles = 0;
        while (cycles < limit && anyActive(rows)) {
            cycles++;
            IntStream.range(0, rows.length).parallel().forEach(r -> rows[r].cycle(pruned, corrected));
        }
        return cycles;
    }

    private static boolean anyActive(Row[] rows) {
        for (Row r : rows) {
            if (r.active) {
                return true;
            }
        }
        return false;
    }

    /** The unstructured branch: a regrow list over all columns and a prune list over the kept ones. */
    private static final class UnstructuredRow extends Row {
        private final float[] c;
        private final int[] regrow;
        private final int[] prune;
        private final float threshold;
        private int gl;
        private int gh;
        private int pl;
        private int ph;

        UnstructuredRow(int r, int cols, float[] c, boolean[] pruned, float[] wandaMetric, Statistics st, Settings s) {
            super(r * cols);
            this.c = c;
            this.threshold = s.updateThreshold();
            this.regrow = regrowOrder(base, cols, c, pruned, st.variance(), s.varPower());
            e0 = e = torchRowSum(c, pruned, base, cols);
            int kept = 0;
            for (int j = 0; j < cols; j++) {
                kept += pruned[base + j] ? 0 : 1;
            }
            long[] keys = new long[kept];
            int n = 0;
            for (int j = 0; j < cols; j++) {
                if (!pruned[base + j]) {
                    keys[n++] = ((long) Selection.key(wandaMetric[base + j]) << 32) | j;
                }
            }
            Arrays.sort(keys);
            int[] byMetric = new int[kept];
            for (int i = 0; i < kept; i++) {
                byMetric[i] = (int) keys[i];
            }
            this.prune = reorderBySign(byMetric, c, base);
            gl = 0;
            gh = cols - 1;
            pl = 0;
            ph = kept - 1;
        }

        @Override
        void cycle(boolean[] pruned, boolean corrected) {
            if (corrected) {
                correctedCycle(pruned);
                return;
            }
            int g = e > 0 ? regrow[gh--] : regrow[gl++];
            int p = e < 0 ? prune[ph--] : prune[pl++];
            active = active && Math.abs(e) > threshold;
            pruned[base + p] = active;
            pruned[base + g] = !active;
            if (active) {
                e = e + c[base + p];
                e = e - c[base + g];
            }
        }

        private void correctedCycle(boolean[] pruned) {
            if (!active) {
                return;
            }
            if ((e > 0 ? gh < 0 : gl >= regrow.length) || (e < 0 ? ph < 0 : pl >= prune.length)) {
                active = false;
                return;
            }
            int g = e > 0 ? regrow[gh--] : regrow[gl++];
            int p = e < 0 ? prune[ph--] : prune[pl++];
            if (!(Math.abs(e) > threshold) || !pruned[base + g] || pruned[base + p]) {
                active = false;
                return;
            }
            pruned[base + p] = true;
            pruned[base + g] = false;
            e = e + c[base + p];
            e = e - c[base + g];
        }
    }

    /** The N:M branch: a regrow list over all columns; the pruned partner is the smallest metric of g's group. */
    private static final class NOfMRow extends Row {
        private final float[] c;
        private final int[] regrow;
        private final float[] im;
        private final int m;
        private final float used;
        private final float sign0;
        private final float threshold;
        private int gl;
        private int gh;

        NOfMRow(int r, int cols, int m, float[] c, boolean[] pruned, float[] m0, Statistics st, Settings s) {
            super(r * cols);
            this.c = c;
            this.m = m;
            this.threshold = s.updateThreshold();
            this.regrow = regrowOrder(base, cols, c, pruned, st.variance(), s.varPower());
            e0 = e = torchRowSum(c, pruned, base, cols);
            sign0 = Math.signum(e0);
            im = new float[cols];
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                im[j] = pruned[base + j] ? Float.POSITIVE_INFINITY : m0[base + j];
                max = Math.max(max, im[j]);
            }
            used = max + 1;
            gl = 0;
            gh = cols - 1;
        }

        @Override
        void cycle(boolean[] pruned, boolean corrected) {
            if (corrected && !active) {
                return;
            }
            boolean up = e > 0;
            if (corrected && (up ? gh < 0 : gl >= regrow.length)) {
                active = false;
                return;
            }
            int g = up ? regrow[gh] : regrow[gl];
            if (up) {
                gh--;
            } else {
                gl++;
            }
            int b = g - g % m;
            int offset = corrected ? smallestFinite(im, b, m) : TorchTopK.smallestIndex(im, b, m);
            if (offset < 0 || (corrected && !pruned[base + g])) {
                active = false;
                return;
            }
            int p = b + offset;
            float after = (e + c[base + p]) - c[base + g];
            boolean ok = sign0 == Math.signum(after) && Math.abs(e) > threshold;
            if (corrected && !ok) {
                active = false;
                return;
            }
            active = active && ok;
            im[p] = used;
            pruned[base + p] = active;
            pruned[base + g] = !active;
            if (active) {
                e = e + c[base + p];
                e = e - c[base + g];
            }
        }

        /** The offset of the smallest finite value of {@code v[b, b+m)}, lowest index on ties; −1 if none. */
        private static int smallestFinite(float[] v, int b, int m) {
            int best = -1;
            for (int i = 0; i < m; i++) {
                if (v[b + i] != Float.POSITIVE_INFINITY && (best < 0 || v[b + i] < v[b + best])) {
                    best = i;
                }
            }
            return best;
        }
    }

    private static float[] initialMetric(float[] w, int rows, int cols, Statistics st, InitialMask init) {
        return switch (init) {
            case WANDA -> Wanda.metric(w, rows, cols, st.scalerRow());
            case MAGNITUDE -> {
                float[] a = new float[w.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.abs(w[i]);
                }
                yield a;
            }
        };
    }

    private static void checkPattern(SparsityPattern pattern, int cols) {
        if (pattern instanceof SparsityPattern.NOfM nm && cols % nm.m() != 0) {
            throw new UserError("--sparsity " + nm + " with DSnoT: not supported yet: an input width of " + cols
                    + " columns that is not a multiple of " + nm.m());
        }
    }

    private static void markInitial(float[] m0, int r, int cols, SparsityPattern pattern, boolean[] pruned) {
        int base = r * cols;
        switch (pattern) {
            case SparsityPattern.Unstructured u -> {
                int k = (int) (cols * u.sparsity());
                long[] keys = new long[cols];
                for (int j = 0; j < cols; j++) {
                    keys[j] = ((long) Selection.key(m0[base + j]) << 32) | j;
                }
                Arrays.sort(keys);
                for (int i = 0; i < k; i++) {
                    pruned[base + (int) keys[i]] = true;
                }
            }
            case SparsityPattern.NOfM nm -> {
                long[] keys = new long[nm.m()];
                for (int g = 0; g < cols; g += nm.m()) {
                    for (int i = 0; i < nm.m(); i++) {
                        keys[i] = ((long) Selection.key(m0[base + g + i]) << 32) | (g + i);
                    }
                    Arrays.sort(keys);
                    for (int i = 0; i < nm.n(); i++) {
                        pruned[base + (int) keys[i]] = true;
                    }
                }
            }
        }
    }

    /**
     * Columns by ascending {@code c/V^p} (kept columns count 0; ties by column), the original's stable sort
     * of {@code metric_for_regrowing}.
     */
    private static int[] regrowOrder(int base, int cols, float[] c, boolean[] pruned, float[] var, double power) {
        long[] keys = new long[cols];
        for (int j = 0; j < cols; j++) {
            float g = pruned[base + j] ? c[base + j] : 0f;
            if (power != 0) {
                float d = power == 1 ? var[j] : (float) Math.pow(var[j], power);
                g = g / d;
            }
            keys[j] = ((long) Selection.key(g) << 32) | j;
        }
        Arrays.sort(keys);
        int[] order = new int[cols];
        for (int i = 0; i < cols; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /**
     * The original's {@code return_reorder_indice} applied to a prune list: the entries with {@code c < 0}
     * in order, then (aliasing to the list's first entry) one per entry with {@code c == 0}, then the
     * entries with {@code c > 0} in reverse order.
     */
    static int[] reorderBySign(int[] list, float[] c, int base) {
        int[] out = new int[list.length];
        int n = 0;
        int zeros = 0;
        for (int col : list) {
            if (c[base + col] < 0) {
                out[n++] = col;
            } else if (!(c[base + col] > 0)) {
                zeros++;
            }
        }
        for (int z = 0; z < zeros; z++) {
            out[n++] = list[0];
        }
        for (int i = list.length - 1; i >= 0; i--) {
            if (c[base + list[i]] > 0) {
                out[n++] = list[i];
            }
        }
        return out;
    }

    /**
     * {@code Σ_j c[j]·[j pruned]} over one row in float32, in the order of torch's CPU sum on AVX2 for
     * contiguous rows: 8-lane vectors into 4 accumulators (vector q into accumulator q mod 4; vectors past
     * the last full group of 4 into accumulator 0), combined as ((a0+a1)+a2)+a3, then 0 + the tail scalars
     * + the 8 lanes, in order.
     */
    static float torchRowSum(float[] c, boolean[] pruned, int base, int n) {
        float[][] acc = new float[4][8];
        int vectors = n / 8;
        int grouped = vectors / 4 * 4;
        for (int q = 0; q < vectors; q++) {
            float[] a = acc[q < grouped ? q % 4 : 0];
            for (int l = 0; l < 8; l++) {
                int j = q * 8 + l;
                a[l] += pruned[base + j] ? c[base + j] : 0f;
            }
        }
        float s = 0f;
        for (int j = vectors * 8; j < n; j++) {
            s += pruned[base + j] ? c[base + j] : 0f;
        }
        for (int l = 0; l < 8; l++) {
            s += ((acc[0][l] + acc[1][l]) + acc[2][l]) + acc[3][l];
        }
        return s;
    }
}
