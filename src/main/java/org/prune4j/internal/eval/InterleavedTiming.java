package org.prune4j.internal.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Wall-clock timing of several variants of the same computation, interleaved so that machine noise hits
 * them alike: after {@code warmup} rounds, each of {@code rounds} rounds runs every variant once, in order.
 */
public final class InterleavedTiming {
    private InterleavedTiming() {}

    /**
     * Seconds of one run of a variant.
     *
     * @param median median over the rounds
     * @param min fastest round
     * @param max slowest round
     */
    public record Seconds(double median, double min, double max) {}

    /** Times every variant; returns one {@link Seconds} per variant, in order. */
    public static List<Seconds> measure(List<Runnable> variants, int warmup, int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be ≥ 1");
        }
        for (int w = 0; w < warmup; w++) {
            variants.forEach(Runnable::run);
        }
        double[][] seconds = new double[variants.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < variants.size(); v++) {
                long start = System.nanoTime();
                variants.get(v).run();
                seconds[v][r] = (System.nanoTime() - start) / 1e9;
            }
        }
        return Arrays.stream(seconds).map(InterleavedTiming::summarise).toList();
    }

    private static Seconds summarise(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Seconds(median, sorted[0], sorted[n - 1]);
    }
}
