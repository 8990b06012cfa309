package org.prune4j.internal.prune.structured;

import java.util.Arrays;

/**
 * The per-layer rule of FLAP's UL-UM, Wanda-sp and magnitude-sp: sort the {@code n} unit scores
 * ascending, {@code threshold = sorted[int(p·n)]}, keep every unit scoring at least the threshold. So
 * {@code int(p·n)} units go ({@code p·n} computed in double and truncated), and units tied with the
 * threshold are all kept (the original's {@code >=}).
 */
final class UniformRule {
    private UniformRule() {}

    /** Indices (ascending) of the units kept out of {@code scores} at ratio {@code p}. */
    static int[] keep(double[] scores, double p) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double threshold = sorted[(int) (p * scores.length)];
        return java.util.stream.IntStream.range(0, scores.length).filter(i -> scores[i] >= threshold).toArray();
    }

    /** Indices (ascending) of the {@code count} highest scores (ties: the lower index first). */
    static int[] top(double[] scores, int count) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int[] kept = new int[count];
        for (int i = 0; i < count; i++) {
            kept[i] = order[i];
        }
        Arrays.sort(kept);
        return kept;
    }
}
