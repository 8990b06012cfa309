package org.prune4j.internal.prune;

import java.util.Locale;
import org.prune4j.UserError;

/**
 * Which entries of a weight matrix a one-shot pruner may remove: an unstructured fraction, or N of
 * every M consecutive input columns (semi-structured N:M sparsity, e.g. 2:4).
 *
 * <p>Parse user input with {@link #parse(String)}; bad values become a one-line {@link UserError}.
 */
public sealed interface SparsityPattern permits SparsityPattern.Unstructured, SparsityPattern.NOfM {

    /** The fraction of entries this pattern removes (N/M for N:M). */
    double sparsity();

    /**
     * Prune a fraction {@code sparsity} of the entries, chosen freely within the method's comparison
     * group (a row, a matrix, a column block: see each pruner).
     *
     * @param sparsity in [0, 1)
     */
    record Unstructured(double sparsity) implements SparsityPattern {
        public Unstructured {
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new UserError("--sparsity " + format(sparsity) + ": must be in [0, 1)");
            }
        }

        @Override
        public String toString() {
            return format(sparsity);
        }
    }

    /**
     * In every output row, prune {@code n} of each group of {@code m} consecutive input columns
     * starting at a multiple of {@code m}. A trailing partial group of {@code g < m} columns (input width
     * not a multiple of {@code m}) prunes {@code floor(n * g / m)} of them; see {@link #prunedInGroup}.
     *
     * @param n pruned per group, {@code 1 <= n < m}
     * @param m group width
     */
    record NOfM(int n, int m) implements SparsityPattern {
        public NOfM {
            if (n <= 0 || m <= 0) {
                throw new UserError("--sparsity " + n + ":" + m + ": N and M must be positive");
            }
            if (n >= m) {
                throw new UserError("--sparsity " + n + ":" + m + ": N must be smaller than M");
            }
        }

        @Override
        public double sparsity() {
            return (double) n / m;
        }

        /**
         * How many of a group of {@code width} columns ({@code width <= m}) are pruned: {@code n} for a
         * full group, {@code floor(n * width / m)} for a trailing partial group. (The reference
         * implementations prune a partial group as if it were full, or fail; we do not copy that.)
         */
        public int prunedInGroup(int width) {
            return width >= m ? n : (int) ((long) n * width / m);
        }

        @Override
        public String toString() {
            return n + ":" + m;
        }
    }

    /** Parses {@code "0.5"} (unstructured) or {@code "2:4"} (N:M); errors name the {@code --sparsity} option. */
    static SparsityPattern parse(String text) {
        return parse("--sparsity", text);
    }

    /**
     * Parses {@code "0.5"} (unstructured) or {@code "2:4"} (N:M).
     *
     * @param option the option name used in error messages, e.g. {@code --sparsity}
     */
    static SparsityPattern parse(String option, String text) {
        if (text == null || text.isBlank()) {
            throw new UserError(option + ": missing value; expected a fraction like 0.5 or N:M like 2:4");
        }
        String t = text.strip();
        int colon = t.indexOf(':');
        if (colon >= 0) {
            int n;
            int m;
            try {
                n = Integer.parseInt(t.substring(0, colon).strip());
                m = Integer.parseInt(t.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new UserError(option + " " + t + ": expected N:M with integers, like 2:4");
            }
            if (n <= 0 || m <= 0) {
                throw new UserError(option + " " + t + ": N and M must be positive");
            }
            if (n >= m) {
                throw new UserError(option + " " + t + ": N must be smaller than M");
            }
            return new NOfM(n, m);
        }
        double s;
        try {
            s = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new UserError(option + " " + t + ": expected a fraction like 0.5 or N:M like 2:4");
        }
        if (!(s >= 0 && s < 1)) {
            throw new UserError(option + " " + t + ": must be in [0, 1)");
        }
        return new Unstructured(s);
    }

    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v)) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v);
    }
}
