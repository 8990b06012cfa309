package org.prune4j.internal.prune.allocation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * Global magnitude (score) allocation: one threshold over the scores of all tensors, so that
 * {@code K = round(target · Σ numel)} entries with the smallest scores are pruned, optionally keeping at
 * least a fraction {@code minDensity} of every tensor so that no layer collapses.
 *
 * <p><b>Exact rule.</b> Equivalent to a stable ascending sort of the concatenated scores (tensors in list
 * order, entries in row-major order) walked from the smallest, pruning an entry unless its tensor has
 * already reached its cap {@code numel − ceil(minDensity · numel)}, until {@code K} are pruned. The
 * per-tensor counts are exact ({@link #prunedCounts}); {@link #allocate} divides them by {@code numel}.
 *
 * <p><b>Streaming.</b> The scores are never concatenated: three radix passes (11, 11 and 10 bits of an
 * order-preserving int key of the float score) each call every tensor's {@link PrunableTensor#scores()}
 * supplier once and keep one small histogram per tensor; the third pass pins the exact threshold value.
 * Memory is {@code O(tensors · 2048)} ints plus one tensor's scores at a time.
 */
public final class GlobalAllocation implements SparsityAllocation {
    private static final int[] SHIFTS = {21, 10, 0};
    private static final int[] BITS = {11, 11, 10};

    private final double minDensity;

    /** No minimum density. */
    public GlobalAllocation() {
        this(0.0);
    }

    /** @param minDensity fraction of every tensor that stays unpruned, in [0, 1] */
    public GlobalAllocation(double minDensity) {
        if (!(minDensity >= 0 && minDensity <= 1)) {
            throw new UserError("--min-density " + minDensity + ": must be in [0, 1]");
        }
        this.minDensity = minDensity;
    }

    @Override
    public Map<String, Double> allocate(List<PrunableTensor> tensors, double target) {
        Map<String, Long> counts = prunedCounts(tensors, target);
        Map<String, Double> out = new LinkedHashMap<>();
        for (PrunableTensor t : tensors) {
            long n = t.numel();
            out.put(t.name(), n == 0 ? 0.0 : counts.get(t.name()) / (double) n);
        }
        return out;
    }

    /** The exact number of entries to prune in each tensor, keyed by name, in list order. */
    public Map<String, Long> prunedCounts(List<PrunableTensor> tensors, double target) {
        Allocations.checkTarget(target);
        int nt = tensors.size();
        long[] cap = new long[nt];
        long total = 0;
        long capTotal = 0;
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < nt; i++) {
            PrunableTensor t = tensors.get(i);
            Allocations.putUnique(out, t.name(), 0L);
            long n = t.numel();
            cap[i] = n - (long) Math.ceil(minDensity * n - 1e-9);
            cap[i] = Math.max(0, Math.min(n, cap[i]));
            total += n;
            capTotal += cap[i];
        }
        long k = Math.round(target * total);
        if (k > capTotal) {
            throw new UserError("--sparsity " + target + ": unreachable while keeping a minimum density of "
                    + minDensity + " in every tensor (at most " + capTotal + " of " + total + " entries can go)");
        }
        if (k == 0) {
            return out;
        }
        long[] base = new long[nt];
        int prefix = 0; // key bits fixed so far (unsigned key >>> (shift + bits))
        int[][] hist = new int[nt][];
        for (int pass = 0; pass < SHIFTS.length; pass++) {
            int shift = SHIFTS[pass];
            int bins = 1 << BITS[pass];
            int prefixShift = shift + BITS[pass];
            for (int i = 0; i < nt; i++) {
                hist[i] = histogram(tensors.get(i), shift, bins, prefixShift, prefix, pass == 0);
            }
            long[] cum = new long[nt];
            int chosen = -1;
            for (int b = 0; b < bins && chosen < 0; b++) {
                long f = 0;
                for (int i = 0; i < nt; i++) {
                    cum[i] += hist[i][b];
                    f += Math.min(base[i] + cum[i], cap[i]);
                }
                if (f >= k) {
                    chosen = b;
                }
            }
            if (chosen < 0) {
                throw new IllegalStateException("scores changed between passes");
            }
            for (int i = 0; i < nt; i++) {
                base[i] += cum[i] - hist[i][chosen]; // strictly below the chosen bin
            }
            prefix = (prefix << BITS[pass]) | chosen;
        }
        // prefix is now the full unsigned key of the threshold; hist[i][last chosen] counts its ties
        int lastBin = prefix & ((1 << BITS[BITS.length - 1]) - 1);
        long remaining = k;
        long[] pruned = new long[nt];
        for (int i = 0; i < nt; i++) {
            pruned[i] = Math.min(base[i], cap[i]);
            remaining -= pruned[i];
        }
        for (int i = 0; i < nt && remaining > 0; i++) {
            long take = Math.min(remaining, Math.min(hist[i][lastBin], Math.max(0, cap[i] - base[i])));
            pruned[i] += take;
            remaining -= take;
        }
        if (remaining != 0) {
            throw new IllegalStateException("global threshold search left " + remaining + " entries unassigned");
        }
        for (int i = 0; i < nt; i++) {
            out.put(tensors.get(i).name(), pruned[i]);
        }
        return out;
    }

    private static int[] histogram(PrunableTensor t, int shift, int bins, int prefixShift, int prefix, boolean all) {
        int[] h = new int[bins];
        if (t.numel() == 0) {
            return h;
        }
        float[] s = Allocations.scores(t);
        int mask = bins - 1;
        for (float v : s) {
            if (Float.isNaN(v)) {
                throw new IllegalArgumentException("scores of " + t.name() + " contain NaN");
            }
            int key = unsignedKey(v);
            if (all || (key >>> prefixShift) == prefix) {
                h[(key >>> shift) & mask]++;
            }
        }
        return h;
    }

    /** Order-preserving key compared as unsigned ({@code -0.0} as {@code +0.0}). */
    static int unsignedKey(float v) {
        int bits = Float.floatToRawIntBits(v + 0.0f);
        return (bits ^ ((bits >> 31) | 0x80000000));
    }

    @Override
    public String name() {
        return "global";
    }
}
