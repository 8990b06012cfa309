package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Wall-clock forward latency of two models on the same input, measured interleaved (A, B, A, B, ...) so
 * that both see the same machine load: warm-up runs first, then repetitions; median and quartiles in ms.
 */
final class LatencyMeter {
    /** Summary of one model at one batch size. */
    public record Stats(double medianMs, double p25Ms, double p75Ms, double minMs, double maxMs, int repetitions) {}

    /** Both models at one batch size. */
    public record Comparison(int batch, Stats dense, Stats pruned) {
        /** Dense median over pruned median. */
        public double speedup() {
            return dense.medianMs() / pruned.medianMs();
        }
    }

    private LatencyMeter() {}

    public static Comparison compare(UnaryOperator<NDArray> dense, UnaryOperator<NDArray> pruned, Shape imageShape,
            int batch, int warmup, int repetitions) {
        long[] dims = new long[imageShape.dimension() + 1];
        dims[0] = batch;
        System.arraycopy(imageShape.getShape(), 0, dims, 1, imageShape.dimension());
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(0);
            NDArray x = m.randomNormal(new Shape(dims));
            for (int i = 0; i < warmup + repetitions; i++) {
                double ta = time(dense, x);
                double tb = time(pruned, x);
                if (i >= warmup) {
                    a.add(ta);
                    b.add(tb);
                }
            }
        }
        return new Comparison(batch, stats(a), stats(b));
    }

    private static double time(UnaryOperator<NDArray> f, NDArray x) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(scope);
            long t0 = System.nanoTime();
            NDArray y = f.apply(in);
            y.toFloatArray(); // force completion
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static Stats stats(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), s[0], s[s.length - 1], s.length);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
