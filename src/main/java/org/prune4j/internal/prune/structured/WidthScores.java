package org.prune4j.internal.prune.structured;

import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.nn.Linear;

/**
 * The channel scores of the width methods, from a dense layer's {@code o_proj}/{@code down_proj} weights
 * and the statistics of their inputs:
 * <ul>
 *   <li>magnitude-sp: {@code ‖W[:, j]‖₂};</li>
 *   <li>wanda-sp: {@code mean_i |W_ij| · sqrt(Σ x_j² / N)};</li>
 *   <li>FLAP: {@link FlapMetric}, the {@code o_proj} value squared.</li>
 * </ul>
 */
final class WidthScores {
    private WidthScores() {}

    static LayerScores magnitude(DecoderBlock block) {
        return new LayerScores(sqrt(ColumnStatistics.sumOfSquares(block.selfAttn().oProj())),
                sqrt(ColumnStatistics.sumOfSquares(block.mlp().downProj())));
    }

    static LayerScores wanda(DecoderBlock block, ChannelStatistics o, ChannelStatistics down) {
        return new LayerScores(wanda(block.selfAttn().oProj(), o), wanda(block.mlp().downProj(), down));
    }

    static LayerScores flap(DecoderBlock block, ChannelStatistics o, ChannelStatistics down, FlapMetric metric) {
        double[] a = flap(block.selfAttn().oProj(), o, metric);
        for (int i = 0; i < a.length; i++) {
            a[i] *= a[i];
        }
        return new LayerScores(a, flap(block.mlp().downProj(), down, metric));
    }

    private static double[] wanda(Linear l, ChannelStatistics s) {
        double[] meanAbs = ColumnStatistics.meanAbs(l);
        double[] sq = s.squares();
        double[] out = new double[meanAbs.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = meanAbs[j] * Math.sqrt(sq[j]);
        }
        return out;
    }

    private static double[] flap(Linear l, ChannelStatistics s, FlapMetric metric) {
        return switch (metric) {
            case IFV -> s.fluctuation();
            case WIFV -> {
                double[] f = s.fluctuation();
                double[] w = ColumnStatistics.sumOfSquares(l);
                for (int j = 0; j < f.length; j++) {
                    f[j] *= w[j];
                }
                yield f;
            }
            case WIFN -> wanda(l, s);
        };
    }

    private static double[] sqrt(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sqrt(v[i]);
        }
        return v;
    }
}
