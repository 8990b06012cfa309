package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.prune4j.UserError;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.Group;

/**
 * Progressive structural pruning (as Torch-Pruning's iterative reproduction): in small steps, score the
 * channels of every prunable group, remove the lowest within the scope, measure, until the target is
 * reached. Each group keeps at least {@code (1 - maxRatio)} of its original channels (rounded up to a
 * multiple of {@code roundTo}), so no layer disappears; a target that cannot be reached within those limits
 * is a {@link UserError}.
 */
final class StructuralPruner {
    /** What one run did. */
    public record Result(DependencyGraph graph, int steps, double reached, Map<String, int[]> widths) {}

    private StructuralPruner() {}

    /**
     * Prunes {@code model} in place.
     *
     * @param gradients per parameter name, the gradient on calibration images of the model as it is now
     *     (called once per step when the importance needs it)
     */
    public static Result run(Module model, UnaryOperator<NDArray> forward, Shape imageShape, StructuralPruneSettings s,
            Supplier<Map<String, float[]>> gradients, java.io.PrintStream log) {
        DependencyGraph graph = DependencyGraph.build(model, forward, imageShape);
        Map<Integer, Integer> original = new HashMap<>();
        for (Group g : graph.prunableGroups()) {
            original.put(g.id(), g.width());
        }
        if (original.isEmpty()) {
            throw new UserError("the model has no prunable channel group");
        }
        double dense = measure(s.target().kind(), model, forward, imageShape, graph, original);
        double goal = s.target().keep() * dense;
        double current = dense;
        int steps = 0;
        double step = s.step();
        double localFraction = 0;
        while (current > goal * (1 + 1e-9)) {
            Map<String, float[]> grads = s.importance().needsGradients() ? gradients.get() : Map.of();
            Map<Integer, double[]> scores = new LinkedHashMap<>();
            for (Group g : graph.groups()) {
                if (original.containsKey(g.id()) && removable(g, original.get(g.id()), s) > 0) {
                    scores.put(g.id(), s.normalizer().apply(s.importance().rawScores(graph, g, s.reduction(), grads)));
                }
            }
            localFraction = Math.min(1, localFraction + step);
            Map<Integer, int[]> plan = plan(graph, scores, original, s, s.scope() == Scope.LOCAL ? localFraction : step);
            if (plan.values().stream().allMatch(a -> a.length == 0)) {
                if (s.scope() == Scope.LOCAL && localFraction < 1) {
                    continue;
                }
                if (s.scope() != Scope.LOCAL && step < 0.5) {
                    step = Math.min(0.5, step * 2);
                    continue;
                }
                throw new UserError(String.format(java.util.Locale.ROOT,
                        "target %s %.4f cannot be reached: every group is at its limit (--max-ratio %.2f, --round-to %d)"
                                + " at %.4f; going further would remove a whole layer",
                        s.target().kind().name().toLowerCase(java.util.Locale.ROOT), s.target().keep(), s.maxRatio(),
                        s.roundTo(), current / dense));
            }
            for (Map.Entry<Integer, int[]> e : plan.entrySet()) {
                if (e.getValue().length > 0) {
                    graph = graph.prune(e.getKey(), e.getValue());
                }
            }
            steps++;
            current = measure(s.target().kind(), model, forward, imageShape, graph, original);
            if (log != null) {
                log.printf(java.util.Locale.ROOT, "step %d: %s at %.4f of dense%n", steps,
                        s.target().kind().name().toLowerCase(java.util.Locale.ROOT), current / dense);
            }
        }
        Map<String, int[]> widths = new LinkedHashMap<>();
        for (Group g : graph.prunableGroups()) {
            widths.put(g.name(), new int[] {original.getOrDefault(g.id(), g.width()), g.width()});
        }
        return new Result(graph, steps, current / dense, widths);
    }

    private static int minKeep(int originalWidth, StructuralPruneSettings s) {
        int keep = (int) Math.ceil((1 - s.maxRatio()) * originalWidth - 1e-9);
        keep = Math.max(1, keep);
        if (s.roundTo() > 1) {
            keep = Math.min(originalWidth, ((keep + s.roundTo() - 1) / s.roundTo()) * s.roundTo());
        }
        return keep;
    }

    private static int removable(Group g, int originalWidth, StructuralPruneSettings s) {
        return Math.max(0, g.width() - minKeep(originalWidth, s));
    }

    /** Rounds a removal count down so the group keeps a multiple of roundTo (or its original width). */
    private static int rounded(int width, int remove, StructuralPruneSettings s) {
        if (s.roundTo() <= 1 || remove == 0) {
            return remove;
        }
        int left = width - remove;
        int up = ((left + s.roundTo() - 1) / s.roundTo()) * s.roundTo();
        return Math.max(0, width - up);
    }

    private static Map<Integer, int[]> plan(DependencyGraph graph, Map<Integer, double[]> scores,
            Map<Integer, Integer> original, StructuralPruneSettings s, double step) {
        Map<Integer, int[]> plan = new LinkedHashMap<>();
        switch (s.scope()) {
            case LOCAL -> {
                for (Map.Entry<Integer, double[]> e : scores.entrySet()) {
                    Group g = graph.groups().get(e.getKey());
                    // every group at the same pruned fraction of its original width, kept width rounded up to roundTo
                    int orig = original.get(g.id());
                    int left = (int) Math.ceil(orig * (1 - Math.min(1, step)) - 1e-9);
                    left = ((left + s.roundTo() - 1) / s.roundTo()) * s.roundTo();
                    left = Math.max(minKeep(orig, s), left);
                    int k = Math.max(0, g.width() - left);
                    plan.put(g.id(), lowest(e.getValue(), k));
                }
            }
            case GLOBAL -> plan.putAll(ranked(graph, scores, original, s, step, scores.keySet().stream().toList()));
            case ISOMORPHIC -> {
                Map<String, List<Integer>> classes = new LinkedHashMap<>();
                for (int id : scores.keySet()) {
                    classes.computeIfAbsent(graph.groups().get(id).isomorphism(), k -> new ArrayList<>()).add(id);
                }
                for (List<Integer> ids : classes.values()) {
                    plan.putAll(ranked(graph, scores, original, s, step, ids));
                }
            }
        }
        return plan;
    }

    private static Map<Integer, int[]> ranked(DependencyGraph graph, Map<Integer, double[]> scores,
            Map<Integer, Integer> original, StructuralPruneSettings s, double step, List<Integer> ids) {
        record Candidate(int group, int channel, double score) {}
        List<Candidate> all = new ArrayList<>();
        int total = 0;
        for (int id : ids) {
            double[] sc = scores.get(id);
            total += original.get(id);
            for (int c = 0; c < sc.length; c++) {
                all.add(new Candidate(id, c, sc[c]));
            }
        }
        all.sort(Comparator.comparingDouble(Candidate::score).thenComparingInt(Candidate::group)
                .thenComparingInt(Candidate::channel));
        int want = (int) Math.ceil(step * total);
        Map<Integer, List<Integer>> chosen = new LinkedHashMap<>();
        int taken = 0;
        for (Candidate c : all) {
            if (taken >= want) {
                break;
            }
            Group g = graph.groups().get(c.group());
            List<Integer> l = chosen.computeIfAbsent(c.group(), k -> new ArrayList<>());
            if (l.size() < removable(g, original.get(c.group()), s)) {
                l.add(c.channel());
                taken++;
            }
        }
        Map<Integer, int[]> plan = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : chosen.entrySet()) {
            Group g = graph.groups().get(e.getKey());
            int k = rounded(g.width(), e.getValue().size(), s);
            // keep the k lowest-scored of the chosen ones
            plan.put(e.getKey(), e.getValue().subList(0, k).stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        return plan;
    }

    private static int[] lowest(double[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).thenComparingInt(i -> i));
        return Arrays.stream(order, 0, k).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static double measure(Target.Kind kind, Module model, UnaryOperator<NDArray> forward, Shape imageShape,
            DependencyGraph graph, Map<Integer, Integer> original) {
        return switch (kind) {
            case MACS -> MacCounter.total(model, forward, imageShape);
            case PARAMS -> model.parameterCount();
            case CHANNELS -> graph.groups().stream().filter(g -> original.containsKey(g.id())).mapToLong(Group::width).sum();
        };
    }
}
