package org.prune4j.internal.prune.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.data.DataLoader;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Prunable;
import org.prune4j.internal.train.SyntheticData;
import org.prune4j.internal.train.TinyMlp;

class InitializationPruningTest {
    static final Dataset DATA = SyntheticData.clusters(64, 16, 4, 1, 50);

    static DataLoader loader() {
        return new DataLoader(DATA, 32, true, false, org.prune4j.internal.data.Augmentation.NONE, 3);
    }

    static void assertSparsity(TinyMlp net, double target) {
        long total = 0;
        long pruned = 0;
        for (Parameter p : Prunable.weights(net).values()) {
            total += p.numel();
            pruned += PrunableTensors.currentMask(p).prunedCount();
        }
        assertEquals(target, pruned / (double) total, 1.5 / total);
    }

    @Test
    void everyCriterionReachesTheRequestedSparsity() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Saliency s : new Saliency[] {new SnipSaliency(loader(), 2), new GraspSaliency(loader(), 1, 200),
                    new RandomSaliency(5), new SynFlowSaliency(new long[] {1, 1, 16})}) {
                TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
                if (s instanceof SynFlowSaliency) {
                    PruningAtInitialization.iterative(net, s, TestAllocations.GLOBAL, 0.9, 10);
                } else {
                    PruningAtInitialization.oneShot(net, s, TestAllocations.GLOBAL, 0.9);
                }
                assertSparsity(net, 0.9);
            }
        }
    }

    @Test
    void snipPrunesConnectionsFromDeadInputsFirst() {
        // Pixel 0 of every example is set to the normalisation mean, i.e. input 0 is exactly 0: the loss
        // does not depend on the weights reading it, so their SNIP score is 0.
        byte[] px = new byte[64 * 16];
        int[] labels = new int[64];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < 64; i++) {
            labels[i] = rng.nextInt(4);
            for (int d = 0; d < 16; d++) {
                px[i * 16 + d] = (byte) (d == 0 ? 128 : rng.nextInt(256));
            }
        }
        Dataset d = Dataset.of("dead", px, labels, 1, 1, 16, Dataset.numberedClasses(4),
                new org.prune4j.internal.data.Normalization(new float[] {128 / 255f}, new float[] {0.25f}));
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            DataLoader l = new DataLoader(d, 32, false, false, org.prune4j.internal.data.Augmentation.NONE, 0);
            Map<String, float[]> s = new SnipSaliency(l, 2).scores(net, Prunable.weights(net));
            float[] fc1 = s.get("fc1.weight"); // [32, 16]
            for (int row = 0; row < 32; row++) {
                assertEquals(0f, fc1[row * 16], 0f);
                assertTrue(fc1[row * 16 + 1] >= 0);
            }
            // pruning 32/512 of fc1 removes exactly the dead column
            float[] mask = MaskSelection.keepMask(fc1, null, 32).keepFloats();
            for (int row = 0; row < 32; row++) {
                assertEquals(0f, mask[row * 16], 0f);
            }
        }
    }

    @Test
    void graspHessianGradientProductMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 8, 4);
            // temperature 1 keeps the curvature well above float32 noise for the comparison
            GraspSaliency grasp = new GraspSaliency(loader(), 1, 1.0);
            Map<String, Parameter> weights = Prunable.weights(net);
            Map<String, float[]> hg = grasp.hessianGradientProduct(net, weights);
            // Hg ≈ (∇L(w + εg) − ∇L(w − εg)) / 2ε
            Map<String, float[]> g = LossGradients.sum(net, weights, loader(), 1, 1.0);
            double eps = 1e-3; // small enough that no ReLU changes side
            Map<String, float[]> plus = gradientAt(net, weights, g, eps);
            Map<String, float[]> minus = gradientAt(net, weights, g, -eps);
            shift(weights, g, 0); // restores (shift is applied relative to the saved originals)
            for (String name : weights.keySet()) {
                float[] h = hg.get(name);
                double num = 0;
                double den = 0;
                for (int i = 0; i < h.length; i++) {
                    double fd = (plus.get(name)[i] - minus.get(name)[i]) / (2 * eps);
                    num += (h[i] - fd) * (h[i] - fd);
                    den += fd * fd;
                }
                assertTrue(den > 0);
                assertTrue(Math.sqrt(num / den) < 1e-3, name + " relative error " + Math.sqrt(num / den));
            }
        }
    }

    private static Map<String, float[]> originals;

    private static Map<String, float[]> gradientAt(TinyMlp net, Map<String, Parameter> weights, Map<String, float[]> dir,
            double eps) {
        shift(weights, dir, eps);
        return LossGradients.sum(net, weights, loader(), 1, 1.0);
    }

    private static void shift(Map<String, Parameter> weights, Map<String, float[]> dir, double eps) {
        if (originals == null) {
            originals = new java.util.HashMap<>();
            weights.forEach((n, p) -> originals.put(n, p.value().toFloatArray()));
        }
        weights.forEach((n, p) -> {
            float[] o = originals.get(n);
            float[] v = new float[o.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (o[i] + eps * dir.get(n)[i]);
            }
            p.setValue(p.value().getManager().create(v, p.value().getShape()));
        });
    }

    /**
     * GraSP's scores re-derived in plain double-precision Java, independent of the engine and of the code under
     * test: the loss {@code F(w) = Σ_b mean_i CE(W2·relu(W1·x_i + b1) + b2) / T, y_i)} over two batches, its
     * gradient {@code g} by hand-written back-propagation, {@code H·g} as the central difference of that
     * gradient along {@code g} (exact up to O(ε²) inside one ReLU region, which the test checks it stays in),
     * and the importance {@code w ⊙ Hg}.
     */
    @Test
    void graspScoresMatchAnIndependentDoublePrecisionDerivation() {
        int batches = 2;
        double temperature = GraspSaliency.DEFAULT_TEMPERATURE;
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 8, 4);
            double[][] w = {toDouble(net.layer(0).weight().value().toFloatArray()),
                    toDouble(net.layer(1).weight().value().toFloatArray())};
            double[][] b = {toDouble(net.layer(0).bias().value().toFloatArray()),
                    toDouble(net.layer(1).bias().value().toFloatArray())};
            List<double[]> xs = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            List<Integer> batchOf = new ArrayList<>();
            DataLoader l = loader();
            for (int k = 0; k < batches; k++) {
                try (NDManager scope = m.newSubManager()) {
                    org.prune4j.internal.data.Batch batch = l.batch(0, k, scope);
                    float[] px = batch.images().toFloatArray();
                    long[] labels = batch.labels().toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                    for (int i = 0; i < labels.length; i++) {
                        xs.add(toDouble(java.util.Arrays.copyOfRange(px, i * 16, i * 16 + 16)));
                        ys.add((int) labels[i]);
                        batchOf.add(k);
                    }
                }
            }
            Mlp2 mlp = new Mlp2(xs, ys, batchOf, batches, temperature, b);
            double[][] g = mlp.gradient(w);
            double norm = 0;
            for (double[] gi : g) {
                for (double v : gi) {
                    norm += v * v;
                }
            }
            double eps = 1e-4 / Math.sqrt(norm);
            double[][] plus = shifted(w, g, eps);
            double[][] minus = shifted(w, g, -eps);
            assertTrue(mlp.activationPattern(plus).equals(mlp.activationPattern(w))
                    && mlp.activationPattern(minus).equals(mlp.activationPattern(w)), "no ReLU changes side");
            double[][] gp = mlp.gradient(plus);
            double[][] gm = mlp.gradient(minus);

            Map<String, float[]> scores = new GraspSaliency(l, batches, temperature).scores(net, Prunable.weights(net));
            org.junit.jupiter.api.Assertions.assertArrayEquals(toDouble(net.layer(1).weight().value().toFloatArray()),
                    w[1], 0.0, "scoring leaves the network unchanged");
            String[] names = {"fc1.weight", "fc2.weight"};
            for (int layer = 0; layer < 2; layer++) {
                float[] actual = scores.get(names[layer]);
                double scale = 0;
                double[] expected = new double[actual.length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = w[layer][i] * (gp[layer][i] - gm[layer][i]) / (2 * eps);
                    scale = Math.max(scale, Math.abs(expected[i]));
                }
                assertTrue(scale > 0);
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
                }
                // float32 double back-propagation against the double re-derivation: 3.5e-6 and 9.9e-7 reached
                assertTrue(worst < 1e-5, names[layer] + ": largest error " + worst + " of the largest score " + scale);
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[][] shifted(double[][] w, double[][] dir, double eps) {
        double[][] out = new double[w.length][];
        for (int l = 0; l < w.length; l++) {
            out[l] = w[l].clone();
            for (int i = 0; i < out[l].length; i++) {
                out[l][i] += eps * dir[l][i];
            }
        }
        return out;
    }

    /** The 16-8-4 ReLU MLP and its summed-over-batches mean cross-entropy at temperature T, in double. */
    private record Mlp2(List<double[]> xs, List<Integer> ys, List<Integer> batchOf, int batches, double temperature,
            double[][] biases) {
        static final int IN = 16;
        static final int HIDDEN = 8;
        static final int OUT = 4;

        double[] pre(double[] w1, double[] x) {
            double[] h = new double[HIDDEN];
            for (int j = 0; j < HIDDEN; j++) {
                h[j] = biases[0][j];
                for (int k = 0; k < IN; k++) {
                    h[j] += w1[j * IN + k] * x[k];
                }
            }
            return h;
        }

        String activationPattern(double[][] w) {
            StringBuilder sb = new StringBuilder();
            for (double[] x : xs) {
                for (double v : pre(w[0], x)) {
                    sb.append(v > 0 ? '1' : '0');
                }
            }
            return sb.toString();
        }

        /** dF/dW1 and dF/dW2, row-major [out, in] like nn.Linear. */
        double[][] gradient(double[][] w) {
            int[] perBatch = new int[batches];
            batchOf.forEach(k -> perBatch[k]++);
            double[] g1 = new double[HIDDEN * IN];
            double[] g2 = new double[OUT * HIDDEN];
            for (int i = 0; i < xs.size(); i++) {
                double[] x = xs.get(i);
                double[] pre = pre(w[0], x);
                double[] h = new double[HIDDEN];
                for (int j = 0; j < HIDDEN; j++) {
                    h[j] = Math.max(0, pre[j]);
                }
                double[] z = new double[OUT];
                double max = Double.NEGATIVE_INFINITY;
                for (int o = 0; o < OUT; o++) {
                    z[o] = biases[1][o];
                    for (int j = 0; j < HIDDEN; j++) {
                        z[o] += w[1][o * HIDDEN + j] * h[j];
                    }
                    z[o] /= temperature;
                    max = Math.max(max, z[o]);
                }
                double sum = 0;
                for (int o = 0; o < OUT; o++) {
                    sum += Math.exp(z[o] - max);
                }
                double[] dLogits = new double[OUT];
                for (int o = 0; o < OUT; o++) {
                    double p = Math.exp(z[o] - max) / sum;
                    dLogits[o] = (p - (o == ys.get(i) ? 1 : 0)) / (temperature * perBatch[batchOf.get(i)]);
                }
                double[] dh = new double[HIDDEN];
                for (int o = 0; o < OUT; o++) {
                    for (int j = 0; j < HIDDEN; j++) {
                        g2[o * HIDDEN + j] += dLogits[o] * h[j];
                        dh[j] += w[1][o * HIDDEN + j] * dLogits[o];
                    }
                }
                for (int j = 0; j < HIDDEN; j++) {
                    if (pre[j] > 0) {
                        for (int k = 0; k < IN; k++) {
                            g1[j * IN + k] += dh[j] * x[k];
                        }
                    }
                }
            }
            return new double[][] {g1, g2};
        }
    }

    @Test
    void synFlowAvoidsTheLayerCollapseOfGlobalMagnitudePruning() {
        try (NDManager m = NDManager.newBaseManager()) {
            // The middle layer's weights are 100x smaller than the others': global magnitude pruning at
            // 97% removes all of it (no path from input to output), SynFlow keeps every layer connected.
            TinyMlp magnitude = scaledMlp(m);
            Map<String, Parameter> wm = Prunable.weights(magnitude);
            Map<String, float[]> mags = new java.util.LinkedHashMap<>();
            wm.forEach((n, p) -> mags.put(n, PrunableTensors.magnitudes(p)));
            PrunableTensors.prune(wm, mags, TestAllocations.GLOBAL, 0.97);
            assertEquals(magnitude.layer(1).weight().numel(), pruned(magnitude.layer(1).weight()), "magnitude collapses fc2");

            TinyMlp synflow = scaledMlp(m);
            PruningAtInitialization.iterative(synflow, new SynFlowSaliency(new long[] {1, 1, 16}), TestAllocations.GLOBAL,
                    0.97, 100);
            assertSparsity(synflow, 0.97);
            for (Parameter p : Prunable.weights(synflow).values()) {
                assertTrue(pruned(p) < p.numel(), "SynFlow keeps part of every layer");
            }
            // and the pruned network still carries flow from input to output
            float[] flow = new SynFlowSaliency(new long[] {1, 1, 16}).scores(synflow, Prunable.weights(synflow))
                    .get("fc2.weight");
            double sum = 0;
            for (float f : flow) {
                sum += f;
            }
            assertTrue(sum > 0);
        }
    }

    static long pruned(Parameter p) {
        return PrunableTensors.currentMask(p).prunedCount();
    }

    /**
     * A bias-free MLP (the setting of SynFlow's conservation theorem: with biases, part of the flow
     * bypasses the earlier layers) whose middle layer is 100x smaller than the others.
     */
    static TinyMlp scaledMlp(NDManager m) {
        TinyMlp net = new TinyMlp(m, 8, 16, 64, 64, 4);
        Parameter mid = net.layer(1).weight();
        mid.setValue(mid.value().mul(0.01f));
        for (int i = 0; i < 3; i++) {
            Parameter b = net.layer(i).bias();
            b.setValue(b.value().zerosLike());
        }
        return net;
    }
}
