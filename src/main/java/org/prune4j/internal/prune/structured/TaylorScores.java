package org.prune4j.internal.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.prune4j.internal.model.llama.Attention;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.model.llama.Mlp;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;
import org.prune4j.internal.train.Autograd;
import org.prune4j.internal.train.lm.NextTokenLoss;

/**
 * LLM-Pruner's first-order Taylor importance ({@link TaylorVariant}) of every query head and neuron.
 *
 * <p>The gradient is that of the next-token loss (mean over a batch's positions), accumulated over all
 * calibration batches, as LLM-Pruner accumulates {@code loss.backward()} over its samples. A query head
 * scores its {@code q_proj} rows and {@code o_proj} columns plus an equal share ({@code 1/r}) of its
 * key/value head's {@code k_proj}/{@code v_proj} rows; a neuron its {@code gate_proj} and
 * {@code up_proj} rows and {@code down_proj} column. The head score is spread evenly over the head's
 * {@code o_proj} channels, so sums (uniform rule) and standardised means (adaptive rule) rank heads by it.
 */
final class TaylorScores {
    private TaylorScores() {}

    static List<LayerScores> of(LlamaModel model, CalibrationSet calib, int batch, TaylorVariant variant) {
        List<Linear> linears = model.blocks().stream().flatMap(b -> java.util.stream.Stream.of(b.selfAttn().qProj(),
                b.selfAttn().kProj(), b.selfAttn().vProj(), b.selfAttn().oProj(), b.mlp().gateProj(), b.mlp().upProj(),
                b.mlp().downProj())).toList();
        linears.forEach(l -> {
            Autograd.zeroGradient(l.weight().value());
            l.weight().value().setRequiresGradient(true);
        });
        try {
            for (int from = 0; from < calib.rows(); from += batch) {
                int to = Math.min(calib.rows(), from + batch);
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray ids = calib.rows(scope, from, to);
                    Autograd.backward(() -> NextTokenLoss.mean(model.logits(scope, ids), ids));
                }
            }
            return model.blocks().stream().map(b -> layer(b, variant)).toList();
        } finally {
            linears.forEach(l -> l.weight().value().setRequiresGradient(false));
        }
    }

    private static LayerScores layer(DecoderBlock b, TaylorVariant v) {
        Attention a = b.selfAttn();
        int hd = a.headDim();
        int heads = a.numHeads();
        int r = heads / a.numKvHeads();
        double[] q = rows(a.qProj(), v);
        double[] k = rows(a.kProj(), v);
        double[] vv = rows(a.vProj(), v);
        double[] o = columns(a.oProj(), v);
        double[] channels = new double[heads * hd];
        for (int h = 0; h < heads; h++) {
            int kvHead = h / r;
            double s = 0;
            for (int j = 0; j < hd; j++) {
                s += q[h * hd + j] + o[h * hd + j] + (k[kvHead * hd + j] + vv[kvHead * hd + j]) / r;
            }
            for (int j = 0; j < hd; j++) {
                channels[h * hd + j] = s / hd;
            }
        }
        Mlp m = b.mlp();
        double[] gate = rows(m.gateProj(), v);
        double[] up = rows(m.upProj(), v);
        double[] down = columns(m.downProj(), v);
        double[] neurons = new double[gate.length];
        for (int j = 0; j < neurons.length; j++) {
            neurons[j] = gate[j] + up[j] + down[j];
        }
        return new LayerScores(channels, neurons);
    }

    /** Per row: {@code Σ|W·g|} (element) or {@code |Σ W·g|} (vector). */
    private static double[] rows(Linear l, TaylorVariant v) {
        return reduce(l, v, 1);
    }

    /** Per column. */
    private static double[] columns(Linear l, TaylorVariant v) {
        return reduce(l, v, 0);
    }

    private static double[] reduce(Linear l, TaylorVariant v, int axis) {
        NDArray w = l.weight().value();
        try (NDManager scope = w.getManager().newSubManager()) {
            NDArray g = Autograd.gradient(w, scope);
            if (g == null) {
                throw new IllegalStateException("no gradient reached " + w.getShape() + " weights");
            }
            NDArray prod = w.mul(g);
            prod.attach(scope);
            NDArray red = v == TaylorVariant.ELEMENT ? prod.abs().sum(new int[] {axis}) : prod.sum(new int[] {axis}).abs();
            return red.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        }
    }
}
