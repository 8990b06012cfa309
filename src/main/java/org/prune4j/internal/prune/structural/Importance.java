package org.prune4j.internal.prune.structural;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.prune4j.UserError;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.Group;
import org.prune4j.internal.nn.graph.Member;
import org.prune4j.internal.nn.graph.ParamAxis;

/**
 * How important each channel of a group is, from the tensors of all its members (Torch-Pruning's
 * importance criteria): each member scores its channels, the {@link GroupReduction} combines the members,
 * the {@link Normalizer} rescales the group.
 */
public sealed interface Importance {
    /** Per channel of {@code group}, before normalisation; {@code gradients} by parameter name (Taylor only). */
    double[] rawScores(DependencyGraph graph, Group group, GroupReduction reduction, Map<String, float[]> gradients);

    /** True when the criterion needs parameter gradients on calibration images. */
    default boolean needsGradients() {
        return false;
    }

    /** Parses {@code l1|l2|bn-scale|taylor|random}. */
    static Importance parse(String method, long seed) {
        return switch (method) {
            case "l1" -> new Magnitude(1);
            case "l2" -> new Magnitude(2);
            case "bn-scale" -> new BnScale();
            case "taylor" -> new Taylor();
            case "random" -> new RandomImportance(seed);
            default -> throw new UserError("--method " + method + ": expected l1, l2, bn-scale, taylor or random");
        };
    }

    /** Σ |w|^p over each channel's weights, per member (p = 1: L1, p = 2: squared L2 as Torch-Pruning). */
    record Magnitude(int p) implements Importance {
        @Override
        public double[] rawScores(DependencyGraph graph, Group group, GroupReduction reduction, Map<String, float[]> g) {
            return perMember(graph, group, reduction, (t, values) -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = p == 1 ? Math.abs(values[i]) : values[i] * values[i];
                }
                return values;
            });
        }
    }

    /**
     * |γ| of the group's batch norms (network slimming, Liu et al. 2017). Groups without a batch norm (Linear
     * and attention groups) are scored by L1 magnitude instead.
     */
    record BnScale() implements Importance {
        @Override
        public double[] rawScores(DependencyGraph graph, Group group, GroupReduction reduction, Map<String, float[]> g) {
            List<Member> bns = group.members().stream().filter(m -> m.type().equals("BatchNorm2d")).toList();
            if (bns.isEmpty()) {
                return new Magnitude(1).rawScores(graph, group, reduction, g);
            }
            List<double[]> per = new ArrayList<>();
            for (Member m : bns) {
                ParamAxis gamma = graph.tensors(m).get(0);
                per.add(ChannelSums.of(m, gamma, abs(gamma.parameter().value().toFloatArray())));
            }
            return reduction.reduce(per);
        }

        private static float[] abs(float[] v) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
            return v;
        }
    }

    /** First-order Taylor |w · ∂L/∂w| summed over each channel's weights (Molchanov et al. 2019), gradients on calibration images. */
    record Taylor() implements Importance {
        @Override
        public boolean needsGradients() {
            return true;
        }

        @Override
        public double[] rawScores(DependencyGraph graph, Group group, GroupReduction reduction, Map<String, float[]> g) {
            return perMember(graph, group, reduction, (t, values) -> {
                float[] grad = g.get(t.name());
                if (grad == null) {
                    throw new IllegalStateException("no gradient for " + t.name());
                }
                for (int i = 0; i < values.length; i++) {
                    values[i] = Math.abs(values[i] * grad[i]);
                }
                return values;
            });
        }
    }

    /** Uniform random scores from a seeded generator (the baseline every criterion must beat). */
    record RandomImportance(long seed) implements Importance {
        @Override
        public double[] rawScores(DependencyGraph graph, Group group, GroupReduction reduction, Map<String, float[]> g) {
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + group.id() * 7919L + group.width());
            double[] out = new double[group.width()];
            for (int i = 0; i < out.length; i++) {
                out[i] = rng.nextDouble();
            }
            return out;
        }
    }

    /** Element scores of one tensor, given its name and its values (may be changed in place). */
    @FunctionalInterface
    interface ElementScore {
        float[] apply(ParamAxis tensor, float[] values);
    }

    private static double[] perMember(DependencyGraph graph, Group group, GroupReduction reduction, ElementScore f) {
        List<double[]> per = new ArrayList<>();
        for (Member m : group.members()) {
            List<ParamAxis> tensors = graph.tensors(m);
            if (tensors.isEmpty()) {
                continue;
            }
            double[] acc = new double[group.width()];
            for (ParamAxis t : tensors) {
                double[] s = ChannelSums.of(m, t, f.apply(t, t.parameter().value().toFloatArray()));
                for (int c = 0; c < acc.length; c++) {
                    acc[c] += s[c];
                }
            }
            per.add(acc);
        }
        return reduction.reduce(per);
    }
}
