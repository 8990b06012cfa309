package org.prune4j.internal.prune.structural;

import ai.djl.ndarray.types.Shape;
import org.prune4j.internal.nn.graph.Member;
import org.prune4j.internal.nn.graph.ParamAxis;

/** Sums element scores of a tensor per group channel of a member (over every index the channel covers). */
final class ChannelSums {
    private ChannelSums() {}

    static double[] of(Member member, ParamAxis tensor, float[] elementScores) {
        Shape s = tensor.parameter().value().getShape();
        int axis = tensor.axis();
        long outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= s.get(a);
        }
        int n = Math.toIntExact(s.get(axis));
        long inner = s.size() / outer / n;
        double[] perIndex = new double[n];
        for (long o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                long base = (o * n + i) * inner;
                double acc = 0;
                for (long k = 0; k < inner; k++) {
                    acc += elementScores[(int) (base + k)];
                }
                perIndex[i] += acc;
            }
        }
        double[] out = new double[member.width()];
        for (int c = 0; c < out.length; c++) {
            for (int local : member.indicesOf(c)) {
                for (int idx : tensor.expand().apply(local)) {
                    out[c] += perIndex[idx];
                }
            }
        }
        return out;
    }
}
