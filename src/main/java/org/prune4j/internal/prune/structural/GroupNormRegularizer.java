package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.prune4j.UserError;
import org.prune4j.internal.nn.GraphScalar;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.nn.graph.Group;
import org.prune4j.internal.nn.graph.Member;
import org.prune4j.internal.nn.graph.ParamAxis;

/**
 * Group lasso over the dependency graph ("Group-SL", the regularisation of Torch-Pruning's GroupNormPruner):
 * {@code λ · Σ_groups Σ_channels ‖w_{g,c}‖₂}, where {@code w_{g,c}} concatenates every slice that channel
 * {@code c} of prunable group {@code g} covers in every member (a conv's output filter and bias, the batch
 * norm's entries, the next layer's input slice, a Linear's H·W flattened columns, a head's q/k/v rows and
 * out_proj columns). Pinned groups (e.g. the classifier's outputs) are not penalised. The differentiable
 * penalty uses {@code sqrt(Σ w² + 1e-12)} so that an all-zero channel has gradient 0 instead of NaN; the
 * reported {@link #norm()} is the exact sum of norms.
 *
 * @param groups per prunable group, the slices of every tensor its members touch
 * @param widths per prunable group, its number of channels
 * @param lambda the weight λ &gt; 0
 */
public record GroupNormRegularizer(List<List<ChannelSlices>> groups, List<Integer> widths, double lambda)
        implements SparsityRegularizer {
    /** Added under the square root of the differentiable penalty. */
    static final double EPS = 1e-12;

    public GroupNormRegularizer {
        groups = groups.stream().map(List::copyOf).toList();
        widths = List.copyOf(widths);
    }

    /** The penalty over the prunable groups of {@code graph} (the model it was built from, unpruned). */
    static GroupNormRegularizer of(DependencyGraph graph, double lambda) {
        List<List<ChannelSlices>> groups = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        for (Group g : graph.prunableGroups()) {
            List<ChannelSlices> slices = new ArrayList<>();
            for (Member m : g.members()) {
                for (ParamAxis t : graph.tensors(m)) {
                    if (!t.parameter().value().getDataType().equals(DataType.FLOAT32)
                            || t.name().endsWith("running_mean") || t.name().endsWith("running_var")) {
                        continue;
                    }
                    int[][] idx = new int[g.width()][];
                    for (int c = 0; c < g.width(); c++) {
                        idx[c] = IntStream.of(m.indicesOf(c)).flatMap(i -> IntStream.of(t.expand().apply(i))).toArray();
                    }
                    slices.add(new ChannelSlices(t.name(), t.parameter(), t.axis(), idx));
                }
            }
            groups.add(slices);
            widths.add(g.width());
        }
        if (groups.isEmpty()) {
            throw new UserError("--reg group-norm: the model has no prunable channel group");
        }
        return new GroupNormRegularizer(groups, widths, lambda);
    }

    @Override
    public double norm() {
        double total = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            double[] sq = new double[widths.get(gi)];
            for (ChannelSlices s : groups.get(gi)) {
                double[] perIndex = squaresAlongAxis(s);
                for (int c = 0; c < sq.length; c++) {
                    for (int i : s.indices()[c]) {
                        sq[c] += perIndex[i];
                    }
                }
            }
            for (double v : sq) {
                total += Math.sqrt(v);
            }
        }
        return total;
    }

    private static double[] squaresAlongAxis(ChannelSlices s) {
        Shape shape = s.parameter().value().getShape();
        float[] v = s.parameter().value().toFloatArray();
        long outer = 1;
        for (int a = 0; a < s.axis(); a++) {
            outer *= shape.get(a);
        }
        int n = Math.toIntExact(shape.get(s.axis()));
        long inner = shape.size() / outer / n;
        double[] out = new double[n];
        for (long o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                long base = (o * n + i) * inner;
                for (long k = 0; k < inner; k++) {
                    double x = v[(int) (base + k)];
                    out[i] += x * x;
                }
            }
        }
        return out;
    }

    @Override
    public NDArray penalty(NDManager scope) {
        NDArray total = null;
        for (int gi = 0; gi < groups.size(); gi++) {
            int width = widths.get(gi);
            NDArray sq = null;
            for (ChannelSlices s : groups.get(gi)) {
                NDArray w = s.parameter().value();
                NDArray w2 = scope.zeros(w.getShape(), w.getDataType()).add(w).square();
                int rank = w.getShape().dimension();
                int[] others = IntStream.range(0, rank).filter(a -> a != s.axis()).toArray();
                NDArray perIndex = others.length == 0 ? w2 : w2.sum(others);
                int n = Math.toIntExact(w.getShape().get(s.axis()));
                float[] map = new float[width * n];
                for (int c = 0; c < width; c++) {
                    for (int i : s.indices()[c]) {
                        map[c * n + i] += 1f;
                    }
                }
                NDArray perChannel = scope.create(map, new Shape(width, n)).matMul(perIndex.reshape(n, 1)).reshape(width);
                sq = sq == null ? perChannel : sq.add(perChannel);
            }
            if (sq == null) {
                continue;
            }
            NDArray norms = sq.add(GraphScalar.of(sq, EPS)).sqrt().sum();
            total = total == null ? norms : total.add(norms);
        }
        return total.mul(GraphScalar.of(total, lambda));
    }
}
