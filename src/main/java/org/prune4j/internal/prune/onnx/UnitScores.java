package org.prune4j.internal.prune.onnx;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.prune4j.internal.io.onnx.OnnxTensors;
import org.prune4j.internal.io.onnx.proto.Onnx.TensorProto;

/**
 * Scores every unit of a group (higher = more important). Each parameter slice of the group contributes
 * its per-unit score divided by that slice's mean over the units, so tensors of different scales weigh
 * alike (the "mean" normalisation of group importance).
 * <ul>
 *   <li>{@code l1}/{@code l2}: ‖W_unit‖₁ / ‖W_unit‖₂ of every slice of the group;</li>
 *   <li>{@code activation}: Wanda's |W|·‖X‖₂ summed over a unit's input channels, on the weight slices
 *       that consume the group's channels, with ‖X_c‖₂ over the calibration inputs;</li>
 *   <li>{@code random}: uniform scores from the seed (and the group id).</li>
 * </ul>
 * With {@link GroupScore#SUM}, {@code l1}/{@code l2} are the plain Σ|w| / Σw² over the group's weight and bias
 * slices (no square root, no normalisation, BatchNormalization's running statistics left out).
 */
final class UnitScores {
    private UnitScores() {}

    /** Per-position activation norms: tensor name → axis → ‖X_p‖₂ per position along that axis. */
    record ActivationNorms(Map<String, Map<Integer, double[]>> norms) {
        double[] of(String tensor, int axis) {
            Map<Integer, double[]> m = norms.get(tensor);
            return m == null ? null : m.get(axis);
        }
    }

    static double[] score(GroupAnalysis.Group g, OnnxGraph graph, ImportanceMethod method, GroupScore combine, ActivationNorms acts,
            long seed) {
        boolean sum = combine == GroupScore.SUM;
        int units = Math.toIntExact(g.units());
        double[] total = new double[units];
        if (method == ImportanceMethod.RANDOM) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + g.id());
            for (int u = 0; u < units; u++) {
                total[u] = r.nextDouble();
            }
            return total;
        }
        List<Edit.SliceConstant> slices = g.slices();
        for (Edit.SliceConstant s : slices) {
            if (method == ImportanceMethod.ACTIVATION && s.activation() == null) {
                continue;
            }
            if (sum && runningStatistic(graph, s)) {
                continue;
            }
            TensorProto t = graph.constants.get(s.tensor());
            if (!OnnxTensors.type(t).isFloating()) {
                continue;
            }
            double[] perPos = positionSums(t, s.axis(), method == ImportanceMethod.L2);
            if (method == ImportanceMethod.ACTIVATION) {
                double[] norm = acts.of(s.activation(), s.activationAxis());
                for (int p = 0; p < perPos.length; p++) {
                    perPos[p] *= norm[p];
                }
            }
            double[] unit = new double[units];
            long off = 0;
            for (Segment seg : s.layout().segments()) {
                if (!seg.fixed() && seg.space().root() == g.root()) {
                    long per = seg.perUnit();
                    for (int u = 0; u < units; u++) {
                        for (long i = 0; i < per; i++) {
                            unit[u] += perPos[(int) (off + u * per + i)];
                        }
                    }
                }
                off += seg.length();
            }
            if (sum) {
                for (int u = 0; u < units; u++) {
                    total[u] += unit[u];
                }
                continue;
            }
            if (method == ImportanceMethod.L2) {
                for (int u = 0; u < units; u++) {
                    unit[u] = Math.sqrt(unit[u]);
                }
            }
            double mean = 0;
            for (double v : unit) {
                mean += v / units;
            }
            if (mean > 0) {
                for (int u = 0; u < units; u++) {
                    total[u] += unit[u] / mean;
                }
            }
        }
        return total;
    }

    /** Whether the slice is a BatchNormalization's running mean or variance (statistics, not weights). */
    private static boolean runningStatistic(OnnxGraph graph, Edit.SliceConstant s) {
        return graph.nodes.get(s.node()).getOpType().equals("BatchNormalization") && s.input() >= 3;
    }

    /** Σ|w| (or Σw²) over every index but {@code axis}, per position along {@code axis}. */
    static double[] positionSums(TensorProto t, int axis, boolean squared) {
        float[] v = OnnxTensors.toFloats(t);
        long[] dims = OnnxTensors.shape(t);
        int n = (int) dims[axis];
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        double[] out = new double[n];
        for (int i = 0; i < v.length; i++) {
            int p = (int) ((i / inner) % n);
            out[p] += squared ? (double) v[i] * v[i] : Math.abs(v[i]);
        }
        return out;
    }
}
