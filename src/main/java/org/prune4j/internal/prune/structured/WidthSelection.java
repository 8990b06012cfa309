package org.prune4j.internal.prune.structured;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns per-channel scores into kept query heads and neurons per layer: forms the units that
 * {@code --units} names, applies the uniform or adaptive rule at ratio {@code p}, keeps at least one
 * unit of each pruned kind per layer (so no layer collapses silently: a note is printed when this
 * overrides the rule), and rounds MLP widths to multiples of {@code roundTo}.
 *
 * <p>Unit scores: uniform rule, the sum of the unit's channel scores (FLAP UL-UM, Wanda-sp,
 * magnitude-sp); adaptive rule, the mean of its per-layer standardised channel scores (FLAP AL-AM).
 * Unit weights in the adaptive rule are parameter counts relative to one neuron ({@code 3·d}),
 * truncated to an integer as FLAP's int64 tensor does: a query head {@code (2 + 2/r)·headDim/3} (its q
 * rows and o columns plus its share of the key/value head; {@code 4·headDim/3} without GQA, FLAP's
 * {@code 512/3} on LLaMA-7B), a key/value group {@code (2r + 2)·headDim/3}, one query head from every
 * group {@code 2·kvHeads·headDim/3}.
 */
final class WidthSelection {
    /** Kept query heads and neurons of one layer (ascending, original numbering). */
    record Kept(int[] heads, int[] neurons) {}

    private WidthSelection() {}

    static List<Kept> select(List<LayerScores> scores, List<LayerWidths> widths, Units.Width units,
            WidthAllocation allocation, double p, int roundTo, PrintStream log) {
        List<Kept> kept = allocation == WidthAllocation.UNIFORM ? uniform(scores, widths, units, p)
                : adaptive(scores, widths, units, p);
        List<Kept> out = new ArrayList<>();
        for (int l = 0; l < kept.size(); l++) {
            Kept k = kept.get(l);
            int[] heads = k.heads();
            int[] neurons = k.neurons();
            LayerWidths w = widths.get(l);
            if (units.attention() != null && heads.length == 0) {
                heads = bestAttentionUnit(scores.get(l), w, units.attention());
                log.printf("layer %d: the %s rule removed every head; keeping the best unit (%d heads)%n", l,
                        allocation.cliName(), heads.length);
            }
            if (units.neurons() && neurons.length == 0) {
                neurons = UniformRule.top(scores.get(l).neurons(), 1);
                log.printf("layer %d: the %s rule removed every neuron; keeping the best one%n", l, allocation.cliName());
            }
            if (units.neurons() && roundTo > 1) {
                int target = Math.min(w.neurons(), Math.max(roundTo, (int) Math.round(neurons.length / (double) roundTo) * roundTo));
                if (target != neurons.length) {
                    neurons = UniformRule.top(scores.get(l).neurons(), target);
                }
            }
            out.add(new Kept(heads, neurons));
        }
        return out;
    }

    private static List<Kept> uniform(List<LayerScores> scores, List<LayerWidths> widths, Units.Width units, double p) {
        List<Kept> out = new ArrayList<>();
        for (int l = 0; l < scores.size(); l++) {
            LayerScores s = scores.get(l);
            LayerWidths w = widths.get(l);
            double[] headScore = unitSums(s.headChannels(), w.headDim());
            int[] heads;
            if (units.attention() == null) {
                heads = LayerPlan.range(w.heads());
            } else {
                heads = switch (units.attention()) {
                    case HEADS -> UniformRule.keep(headScore, p);
                    case KV_GROUPS -> groupsToHeads(UniformRule.keep(unitSums(headScore, w.groupSize()), p), w.groupSize());
                    case QUERY_HEADS -> {
                        int r = w.groupSize();
                        int keepPerGroup = r - (int) (p * r);
                        List<Integer> h = new ArrayList<>();
                        for (int g = 0; g < w.kvHeads(); g++) {
                            double[] inGroup = Arrays.copyOfRange(headScore, g * r, g * r + r);
                            for (int i : UniformRule.top(inGroup, keepPerGroup)) {
                                h.add(g * r + i);
                            }
                        }
                        yield h.stream().mapToInt(Integer::intValue).sorted().toArray();
                    }
                };
            }
            int[] neurons = units.neurons() ? UniformRule.keep(s.neurons(), p) : LayerPlan.range(w.neurons());
            out.add(new Kept(heads, neurons));
        }
        return out;
    }

    /** One adaptive unit: its layer, the heads (or the neuron) it stands for, its score and weight. */
    private record Unit(int layer, int[] heads, int neuron, double score, long weight) {}

    private static List<Kept> adaptive(List<LayerScores> scores, List<LayerWidths> widths, Units.Width units, double p) {
        List<Unit> all = new ArrayList<>();
        if (units.attention() != null) {
            for (int l = 0; l < scores.size(); l++) {
                all.addAll(attentionUnits(l, AdaptiveRule.standardize(scores.get(l).headChannels()), widths.get(l),
                        units.attention()));
            }
        }
        if (units.neurons()) {
            for (int l = 0; l < scores.size(); l++) {
                double[] z = AdaptiveRule.standardize(scores.get(l).neurons());
                for (int j = 0; j < z.length; j++) {
                    all.add(new Unit(l, null, j, z[j], 1));
                }
            }
        }
        double[] sc = all.stream().mapToDouble(Unit::score).toArray();
        long[] wt = all.stream().mapToLong(Unit::weight).toArray();
        boolean[] keep = AdaptiveRule.keep(sc, wt, p);
        List<List<Integer>> heads = new ArrayList<>();
        List<List<Integer>> neurons = new ArrayList<>();
        for (int l = 0; l < scores.size(); l++) {
            heads.add(new ArrayList<>());
            neurons.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            Unit u = all.get(i);
            if (!keep[i]) {
                continue;
            }
            if (u.heads() != null) {
                for (int h : u.heads()) {
                    heads.get(u.layer()).add(h);
                }
            } else {
                neurons.get(u.layer()).add(u.neuron());
            }
        }
        List<Kept> out = new ArrayList<>();
        for (int l = 0; l < scores.size(); l++) {
            LayerWidths w = widths.get(l);
            int[] h = units.attention() == null ? LayerPlan.range(w.heads())
                    : heads.get(l).stream().mapToInt(Integer::intValue).sorted().toArray();
            int[] n = units.neurons() ? neurons.get(l).stream().mapToInt(Integer::intValue).sorted().toArray()
                    : LayerPlan.range(w.neurons());
            out.add(new Kept(h, n));
        }
        return out;
    }

    private static List<Unit> attentionUnits(int layer, double[] z, LayerWidths w, AttentionUnit kind) {
        int r = w.groupSize();
        int hd = w.headDim();
        double[] headMean = unitMeans(z, hd);
        List<Unit> out = new ArrayList<>();
        switch (kind) {
            case HEADS -> {
                long weight = (long) ((2.0 + 2.0 / r) * hd / 3.0);
                for (int h = 0; h < w.heads(); h++) {
                    out.add(new Unit(layer, new int[] {h}, -1, headMean[h], Math.max(1, weight)));
                }
            }
            case KV_GROUPS -> {
                long weight = (long) ((2.0 * r + 2.0) * hd / 3.0);
                double[] groupMean = unitMeans(z, hd * r);
                for (int g = 0; g < w.kvHeads(); g++) {
                    out.add(new Unit(layer, IntStream.range(g * r, g * r + r).toArray(), -1, groupMean[g], Math.max(1, weight)));
                }
            }
            case QUERY_HEADS -> {
                long weight = (long) (2.0 * w.kvHeads() * hd / 3.0);
                int[][] ranked = new int[w.kvHeads()][];
                for (int g = 0; g < w.kvHeads(); g++) {
                    double[] inGroup = Arrays.copyOfRange(headMean, g * r, g * r + r);
                    Integer[] order = IntStream.range(0, r).boxed().toArray(Integer[]::new);
                    Arrays.sort(order, (a, b) -> inGroup[a] != inGroup[b] ? Double.compare(inGroup[b], inGroup[a]) : a - b);
                    ranked[g] = Arrays.stream(order).mapToInt(i -> i).toArray();
                }
                for (int slot = 0; slot < r; slot++) {
                    int[] members = new int[w.kvHeads()];
                    double sum = 0;
                    for (int g = 0; g < w.kvHeads(); g++) {
                        members[g] = g * r + ranked[g][slot];
                        sum += headMean[members[g]];
                    }
                    out.add(new Unit(layer, members, -1, sum / w.kvHeads(), Math.max(1, weight)));
                }
            }
        }
        return out;
    }

    private static int[] bestAttentionUnit(LayerScores s, LayerWidths w, AttentionUnit kind) {
        double[] headScore = unitSums(s.headChannels(), w.headDim());
        int r = w.groupSize();
        return switch (kind) {
            case HEADS -> UniformRule.top(headScore, 1);
            case KV_GROUPS -> groupsToHeads(UniformRule.top(unitSums(headScore, r), 1), r);
            case QUERY_HEADS -> {
                int[] h = new int[w.kvHeads()];
                for (int g = 0; g < w.kvHeads(); g++) {
                    h[g] = g * r + UniformRule.top(Arrays.copyOfRange(headScore, g * r, g * r + r), 1)[0];
                }
                yield h;
            }
        };
    }

    static double[] unitSums(double[] channels, int width) {
        double[] out = new double[channels.length / width];
        for (int i = 0; i < channels.length; i++) {
            out[i / width] += channels[i];
        }
        return out;
    }

    private static double[] unitMeans(double[] channels, int width) {
        double[] out = unitSums(channels, width);
        for (int i = 0; i < out.length; i++) {
            out[i] /= width;
        }
        return out;
    }

    private static int[] groupsToHeads(int[] groups, int r) {
        return Arrays.stream(groups).flatMap(g -> IntStream.range(g * r, g * r + r)).toArray();
    }
}
