package org.prune4j.internal.prune.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.prune4j.UserError;
import org.prune4j.internal.nn.HookHandle;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.pipeline.calibrate.CalibrationSet;

/**
 * The layer-removing methods, measured on the dense model's hidden states over the calibration rows.
 *
 * <p><b>block-influence</b> (ShortGPT): {@code BI_i = Σ over all tokens of 1 − cos(h_i, h_{i+1})}
 * (a NaN cosine counts as 0.5), {@code h_i} the input of layer {@code i}. ShortGPT quirk, reproduced: it
 * reads Hugging Face's {@code hidden_states}, whose last entry is after the final norm, so the last
 * layer's output is compared <em>normalised</em>. The {@code n} lowest go (ties: the lower index first).
 * For sublayers ({@code --units attention|mlp}) the same measure compares the residual stream before and
 * after the attention (or MLP) branch, without a norm.
 *
 * <p><b>angular</b> (Gromov et al.; PruneMe's {@code layer_similarity}): {@code x_i} = output of layer
 * {@code i} at the last token (the last layer's after the final norm), {@code d_i = arccos(cos(x_i,
 * x_{i+n}))/π} averaged over batches of 8 rows (the mean of batch means, as PruneMe's loader of 8),
 * {@code i = 0..L−1−n}; the first strict minimum removes layers {@code i+1 .. i+n}. PruneMe quirk,
 * reproduced: layer 0 can never be removed.
 */
final class DepthPruning {
    private static final int PRUNEME_BATCH = 8;

    private final StructuredSettings settings;
    private final PrintStream log;

    DepthPruning(StructuredSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** How many layers (or sublayers) {@code settings} remove from a model of {@code layers} layers. */
    static int count(StructuredSettings s, int layers) {
        int n = s.layers() > 0 ? s.layers() : (int) Math.round(s.ratio() * layers);
        if (n < 1) {
            throw new UserError("--ratio " + s.ratio() + " removes no layer of " + layers + "; use --layers N");
        }
        DepthUnit unit = ((Units.Depth) s.units()).unit();
        if (unit == DepthUnit.LAYERS ? n >= layers : n > layers) {
            throw new UserError("--layers " + n + ": the model has " + layers + " layers"
                    + (unit == DepthUnit.LAYERS ? "; at least one must stay" : ""));
        }
        if (s.method() == StructuredMethod.ANGULAR && n > layers - 1) {
            throw new UserError("--layers " + n + ": angular distance compares layers n apart; at most " + (layers - 1));
        }
        return n;
    }

    StructuredPlan prune(LlamaModel model, CalibrationSet calib) {
        List<DecoderBlock> blocks = model.blocks();
        int n = count(settings, blocks.size());
        DepthUnit unit = ((Units.Depth) settings.units()).unit();
        if (settings.method() == StructuredMethod.ANGULAR && unit != DepthUnit.LAYERS) {
            throw new UserError("--units " + unit.cliName() + ": not supported yet: angular distance over sublayers"
                    + " (use --method block-influence, or --units layers)");
        }
        int[] removed;
        if (settings.method() == StructuredMethod.ANGULAR) {
            double[] d = angularDistances(model, calib, n);
            int best = 0;
            for (int i = 1; i < d.length; i++) {
                if (d[i] < d[best]) {
                    best = i;
                }
            }
            log.printf("angular distances (n=%d): %s -> remove layers %d..%d%n", n, Arrays.toString(d), best + 1, best + n);
            removed = java.util.stream.IntStream.rangeClosed(best + 1, best + n).toArray();
        } else {
            double[] bi = blockInfluence(model, calib, unit);
            log.printf("block influence (%s): %s%n", unit.cliName(), Arrays.toString(bi));
            removed = UniformRule.top(Arrays.stream(bi).map(v -> -v).toArray(), n);
        }
        List<LayerPlan> plans = new ArrayList<>();
        for (DecoderBlock b : blocks) {
            LayerWidths w = LayerWidths.of(b);
            boolean hit = Arrays.binarySearch(removed, b.index()) >= 0;
            LayerPlan p = new LayerPlan(hit && unit == DepthUnit.ATTENTION ? new int[0] : LayerPlan.range(w.heads()),
                    hit && unit == DepthUnit.MLP ? new int[0] : LayerPlan.range(w.neurons()), null, null);
            if (unit != DepthUnit.LAYERS) {
                BlockSurgery.apply(b, p, model.manager());
            }
            plans.add(p);
        }
        return new StructuredPlan(plans, unit == DepthUnit.LAYERS ? removed : new int[0]);
    }

    /**
     * Per layer (or sublayer of the given kind), Σ over tokens of 1 − cos(before, after), read by forward
     * hooks while the calibration rows advance: the input norm sees the block input, the post-attention
     * norm the residual stream after attention, the block its output.
     */
    private double[] blockInfluence(LlamaModel model, CalibrationSet calib, DepthUnit unit) {
        List<DecoderBlock> blocks = model.blocks();
        double[] bi = new double[blocks.size()];
        try (CalibrationPass pass = new CalibrationPass(model, calib, settings.batch())) {
            for (DecoderBlock b : blocks) {
                int i = b.index();
                boolean last = i == blocks.size() - 1;
                NDArray[] residual = new NDArray[2]; // block input, stream after attention (valid during one batch)
                List<HookHandle> hooks = new ArrayList<>();
                hooks.add(b.inputLayernorm().addForwardHook((m, in, out) -> residual[0] = in));
                hooks.add(b.postAttentionLayernorm().addForwardHook((m, in, out) -> {
                    residual[1] = in;
                    if (unit == DepthUnit.ATTENTION) {
                        bi[i] += sumOneMinusCos(residual[0], in);
                    }
                }));
                hooks.add(b.addForwardHook((m, in, out) -> {
                    if (unit == DepthUnit.LAYERS) {
                        try (NDManager scope = out.getManager().newSubManager()) {
                            NDArray after = out;
                            if (last) {
                                after = model.backbone().norm().forward(out);
                                after.attach(scope);
                            }
                            bi[i] += sumOneMinusCos(in, after);
                        }
                    } else if (unit == DepthUnit.MLP) {
                        bi[i] += sumOneMinusCos(residual[1], out);
                    }
                }));
                try {
                    pass.advance(b);
                } finally {
                    hooks.forEach(HookHandle::close);
                }
            }
        }
        return bi;
    }

    private static double sumOneMinusCos(NDArray a, NDArray b) {
        NDArray dot = a.mul(b).sum(new int[] {-1});
        NDArray na = a.square().sum(new int[] {-1}).sqrt();
        NDArray nb = b.square().sum(new int[] {-1}).sqrt();
        float[] cos = dot.div(na.mul(nb)).toFloatArray();
        double s = 0;
        for (float c : cos) {
            s += 1 - (Float.isNaN(c) ? 0.5 : c);
        }
        return s;
    }

    /** {@code d_i} for {@code i = 0..L−1−n}. */
    private double[] angularDistances(LlamaModel model, CalibrationSet calib, int n) {
        List<DecoderBlock> blocks = model.blocks();
        int layers = blocks.size();
        int rows = calib.rows();
        int t = calib.seqLen();
        List<List<float[]>> last = new ArrayList<>();
        try (CalibrationPass pass = new CalibrationPass(model, calib, settings.batch())) {
            for (DecoderBlock b : blocks) {
                List<float[]> vecs = new ArrayList<>();
                boolean isLast = b.index() == layers - 1;
                try (HookHandle h = b.addForwardHook((m, in, out) -> {
                    try (NDManager scope = out.getManager().newSubManager()) {
                        NDArray x = out.get(new NDIndex(":, {}, :", t - 1));
                        x.attach(scope);
                        if (isLast) {
                            x = model.backbone().norm().forward(x);
                            x.attach(scope);
                        }
                        long r = x.getShape().get(0);
                        long d = x.getShape().get(1);
                        float[] all = x.toFloatArray();
                        for (int k = 0; k < r; k++) {
                            vecs.add(Arrays.copyOfRange(all, (int) (k * d), (int) ((k + 1) * d)));
                        }
                    }
                })) {
                    pass.advance(b);
                }
                last.add(vecs);
            }
        }
        double[] dist = new double[layers - n];
        for (int i = 0; i < dist.length; i++) {
            double sumOfBatchMeans = 0;
            int batches = 0;
            for (int from = 0; from < rows; from += PRUNEME_BATCH) {
                int to = Math.min(rows, from + PRUNEME_BATCH);
                double s = 0;
                for (int r = from; r < to; r++) {
                    s += angular(last.get(i).get(r), last.get(i + n).get(r));
                }
                sumOfBatchMeans += s / (to - from);
                batches++;
            }
            dist[i] = sumOfBatchMeans / batches;
        }
        return dist;
    }

    private static double angular(float[] a, float[] b) {
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        na = Math.sqrt(na);
        nb = Math.sqrt(nb);
        double cos = 0;
        for (int i = 0; i < a.length; i++) {
            cos += (a[i] / na) * (b[i] / nb);
        }
        return Math.acos(Math.max(-1, Math.min(1, cos))) / Math.PI;
    }
}
