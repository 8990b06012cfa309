package org.prune4j.internal.prune.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.UserError;

class AllocationTest {

    static PrunableTensor tensor(String name, int group, float[] scores, AtomicInteger calls) {
        return new PrunableTensor(name, group, new long[] {scores.length}, () -> {
            calls.incrementAndGet();
            return scores.clone();
        });
    }

    /** Stable sort of (score, tensor, index), walked ascending with per-tensor caps. */
    static long[] sortBased(List<float[]> all, double target, double minDensity) {
        int total = all.stream().mapToInt(a -> a.length).sum();
        long[][] keyed = new long[total][];
        int p = 0;
        for (int t = 0; t < all.size(); t++) {
            for (int i = 0; i < all.get(t).length; i++) {
                keyed[p++] = new long[] {Float.floatToIntBits(all.get(t)[i] + 0.0f), t, i};
            }
        }
        float[] v = new float[total];
        Integer[] order = new Integer[total];
        p = 0;
        for (float[] a : all) {
            for (float x : a) {
                v[p] = x + 0.0f;
                order[p] = p;
                p++;
            }
        }
        Arrays.sort(order, (a, b) -> Float.compare(v[a], v[b]) != 0 ? Float.compare(v[a], v[b]) : Integer.compare(a, b));
        long[] caps = new long[all.size()];
        int[] owner = new int[total];
        p = 0;
        for (int t = 0; t < all.size(); t++) {
            long n = all.get(t).length;
            caps[t] = n - (long) Math.ceil(minDensity * n - 1e-9);
            for (int i = 0; i < n; i++) {
                owner[p++] = t;
            }
        }
        long k = Math.round(target * total);
        long[] pruned = new long[all.size()];
        for (int j = 0; j < total && k > 0; j++) {
            int t = owner[order[j]];
            if (pruned[t] < caps[t]) {
                pruned[t]++;
                k--;
            }
        }
        return pruned;
    }

    @ParameterizedTest
    @CsvSource({"0.5,0.0,false", "0.7,0.0,true", "0.6,0.2,false", "0.8,0.15,true", "0.3,0.05,true"})
    void globalEqualsTheSortBasedResult(double target, double minDensity, boolean ties) {
        Random r = new Random(Double.hashCode(target) * 31 + (ties ? 1 : 0));
        List<float[]> all = new ArrayList<>();
        List<PrunableTensor> tensors = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        int[] sizes = {1000, 37, 5000, 1, 2048, 777};
        double[] scales = {1.0, 0.01, 3.0, 1.0, 0.2, 100.0};
        for (int t = 0; t < sizes.length; t++) {
            float[] s = new float[sizes[t]];
            for (int i = 0; i < s.length; i++) {
                double g = r.nextGaussian() * scales[t];
                s[i] = ties ? Math.round(g * 4) / 4f : (float) (t == 2 ? g : Math.abs(g));
            }
            all.add(s);
            tensors.add(tensor("t" + t, t, s, calls));
        }
        GlobalAllocation g = new GlobalAllocation(minDensity);
        Map<String, Long> counts = g.prunedCounts(tensors, target);
        long[] expected = sortBased(all, target, minDensity);
        long sum = 0;
        for (int t = 0; t < sizes.length; t++) {
            assertEquals(expected[t], counts.get("t" + t), "tensor " + t);
            sum += counts.get("t" + t);
            assertTrue(counts.get("t" + t) <= sizes[t] - Math.ceil(minDensity * sizes[t] - 1e-9));
        }
        int total = Arrays.stream(sizes).sum();
        assertEquals(Math.round(target * total), sum);
        assertTrue(calls.get() <= 3 * sizes.length, "scores fetched " + calls.get() + " times");
        Map<String, Double> sp = g.allocate(tensors, target);
        assertEquals(expected[0] / 1000.0, sp.get("t0"), 1e-15);
    }

    @Test
    void globalTargetsThatCannotBeReachedAreUserErrors() {
        AtomicInteger calls = new AtomicInteger();
        List<PrunableTensor> ts = List.of(tensor("a", 0, new float[] {1, 2, 3, 4}, calls));
        UserError e = assertThrows(UserError.class, () -> new GlobalAllocation(0.5).allocate(ts, 0.75));
        assertTrue(e.getMessage().contains("--sparsity 0.75"), e.getMessage());
        assertThrows(UserError.class, () -> new GlobalAllocation().allocate(ts, 1.0));
        assertThrows(UserError.class, () -> new GlobalAllocation(1.5));
        assertEquals(Map.of("a", 0L), new GlobalAllocation().prunedCounts(ts, 0.0));
    }

    @Test
    void uniformGivesEveryTensorTheTarget() {
        AtomicInteger calls = new AtomicInteger();
        List<PrunableTensor> ts = List.of(tensor("a", 0, new float[3], calls), tensor("b", 1, new float[5], calls));
        Map<String, Double> m = new UniformAllocation().allocate(ts, 0.6);
        assertEquals(Map.of("a", 0.6, "b", 0.6), m);
        assertEquals(0, calls.get(), "uniform never reads scores");
        assertThrows(UserError.class, () -> new UniformAllocation().allocate(ts, -0.1));
    }

    /** Groups of two tensors of |N(0,1)| scores; group {@code outlierGroup} gets planted large values. */
    static List<PrunableTensor> owlBlocks(int groups, int outlierGroup, int[] sizes, AtomicInteger calls) {
        return owlBlocks(groups, outlierGroup, sizes, calls, new ArrayList<>());
    }

    /** As above, also collecting each group's pooled scores into {@code pooled} (index = group). */
    static List<PrunableTensor> owlBlocks(int groups, int outlierGroup, int[] sizes, AtomicInteger calls,
            List<List<Float>> pooled) {
        Random r = new Random(42);
        List<PrunableTensor> ts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < 2; k++) {
                float[] s = new float[sizes[g]];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) Math.abs(r.nextGaussian());
                    // a few natural outliers everywhere, many in the outlier group, a medium amount in group 1
                    double p = g == outlierGroup ? 0.05 : g == 1 ? 0.02 : 0.005;
                    if (r.nextDouble() < p) {
                        s[i] *= 30;
                    }
                }
                ts.add(tensor("layers." + g + ".m" + k, g, s, calls));
                while (pooled.size() <= g) {
                    pooled.add(new ArrayList<>());
                }
                for (float v : s) {
                    pooled.get(g).add(v);
                }
            }
        }
        return ts;
    }

    /** The paper's outlier ratio, re-derived here: share of the pooled values above M times their mean. */
    static double outlierRatio(List<Float> pooled, double m) {
        double sum = 0;
        for (float v : pooled) {
            sum += v;
        }
        double threshold = m * (sum / pooled.size());
        return pooled.stream().filter(v -> v > threshold).count() / (double) pooled.size();
    }

    @Test
    void owlPrunesTheOutlierBlockLeastAndKeepsTheMean() {
        int groups = 6;
        int[] sizes = new int[groups];
        Arrays.fill(sizes, 4000);
        AtomicInteger calls = new AtomicInteger();
        List<List<Float>> pooled = new ArrayList<>();
        List<PrunableTensor> ts = owlBlocks(groups, 3, sizes, calls, pooled);
        OwlAllocation owl = new OwlAllocation();
        double target = 0.7;
        Map<Integer, Double> s = owl.groupSparsities(ts, target);
        int argmin = s.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals(3, argmin, "the outlier block gets the lowest sparsity: " + s);
        assertTrue(s.get(1) < s.get(0) && s.get(1) < s.get(2), "medium-outlier block in between: " + s);
        // the reference formula (luuyin/OWL prune_wanda_outlier; unweighted mean: all groups have the same size
        // here), on outlier ratios computed in this test from the scores themselves
        double[] ratios = new double[groups];
        for (int g = 0; g < groups; g++) {
            ratios[g] = outlierRatio(pooled.get(g), OwlAllocation.DEFAULT_M);
            assertEquals(ratios[g], owl.outlierRatios(ts).get(g), 0.0, "outlier ratio of group " + g);
        }
        double min = Arrays.stream(ratios).min().orElseThrow();
        double max = Arrays.stream(ratios).max().orElseThrow();
        assertTrue(max > min);
        double[] rr = new double[groups];
        double mean = 0;
        for (int g = 0; g < groups; g++) {
            rr[g] = (ratios[g] - min) / (max - min) * 2 * 0.08;
            mean += rr[g] / groups;
        }
        double avg = 0;
        for (int g = 0; g < groups; g++) {
            double density = rr[g] - mean + (1 - target);
            assertEquals(1 - density, s.get(g), 1e-15);
            avg += s.get(g) / groups;
        }
        assertEquals(target, avg, 1e-15);
        assertEquals(target - 2 * 0.08 + mean, s.get(3), 1e-15);
        Map<String, Double> perTensor = owl.allocate(ts, target);
        assertEquals(s.get(3), perTensor.get("layers.3.m1"));
        calls.set(0);
        owl.allocate(ts, target);
        assertTrue(calls.get() <= 2 * ts.size(), "scores fetched " + calls.get() + " times");
    }

    /**
     * Worked by hand, M = 2, lambda = 0.05, target 0.5. Group 0: eight 1s (mean 1, none above 2): D = 0.
     * Group 1: six 0s and two 5s (mean 1.25, two above 2.5): D = 2/8 = 0.25. Group 2: twenty-two 0s and two
     * 5s (mean 10/24, two above 20/24): D = 2/24 = 1/12. So r = (D - 0) / 0.25 * 0.1 = 0, 0.1, 1/30; the
     * parameter-weighted mean of r is (0*8 + 0.1*8 + 24/30) / 40 = 0.04, and s = 0.5 - r + 0.04 = 0.54, 0.44,
     * 0.50666... (the unweighted mean, 0.0444..., would miss the target by 0.0044).
     */
    @Test
    void owlOnAHandWorkedExample() {
        AtomicInteger calls = new AtomicInteger();
        float[] g0 = new float[8];
        Arrays.fill(g0, 1f);
        float[] g1 = new float[8];
        g1[6] = 5;
        g1[7] = 5;
        float[] g2 = new float[24];
        g2[3] = 5;
        g2[17] = 5;
        List<PrunableTensor> ts = List.of(tensor("a", 0, g0, calls), tensor("b", 1, g1, calls), tensor("c", 2, g2, calls));
        OwlAllocation owl = new OwlAllocation(2, 0.05);
        assertEquals(Map.of(0, 0.0, 1, 0.25, 2, 1 / 12.0), owl.outlierRatios(ts));
        Map<String, Double> m = owl.allocate(ts, 0.5);
        assertEquals(0.54, m.get("a"), 1e-15);
        assertEquals(0.44, m.get("b"), 1e-15);
        assertEquals(0.5 - 1 / 30.0 + 0.04, m.get("c"), 1e-15);
        assertEquals(0.5, (m.get("a") * 8 + m.get("b") * 8 + m.get("c") * 24) / 40, 1e-15);
    }

    @Test
    void owlWeightsTheMeanByParametersForUnequalGroups() {
        int[] sizes = {1000, 3000, 2000, 5000};
        AtomicInteger calls = new AtomicInteger();
        List<PrunableTensor> ts = owlBlocks(sizes.length, 2, sizes, calls);
        Map<String, Double> m = new OwlAllocation(5, 0.1).allocate(ts, 0.5);
        double pruned = 0;
        double total = 0;
        for (PrunableTensor t : ts) {
            pruned += m.get(t.name()) * t.numel();
            total += t.numel();
        }
        assertEquals(0.5, pruned / total, 1e-12);
    }

    @Test
    void owlWithEqualRatiosIsUniformAndRejectsImpossibleSparsities() {
        AtomicInteger calls = new AtomicInteger();
        float[] same = new float[100];
        Arrays.fill(same, 1f);
        List<PrunableTensor> ts = List.of(tensor("a", 0, same, calls), tensor("b", 1, same, calls));
        assertEquals(Map.of("a", 0.6, "b", 0.6), new OwlAllocation().allocate(ts, 0.6));
        int[] sizes = {2000, 2000, 2000};
        List<PrunableTensor> skew = owlBlocks(3, 0, sizes, calls);
        UserError e = assertThrows(UserError.class, () -> new OwlAllocation(5, 0.3).allocate(skew, 0.95));
        assertTrue(e.getMessage().contains("lambda"), e.getMessage());
    }
}
