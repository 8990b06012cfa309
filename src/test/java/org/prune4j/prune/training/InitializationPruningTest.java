package org.prune4j.prune.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.Dataset;
import org.prune4j.nn.Parameter;
import org.prune4j.train.Prunable;
import org.prune4j.train.SyntheticData;
import org.prune4j.train.TinyMlp;

class InitializationPruningTest {
    static final Dataset DATA = SyntheticData.clusters(64, 16, 4, 1, 50);

    static DataLoader loader() {
        return new DataLoader(DATA, 32, true, false, org.prune4j.data.Augmentation.NONE, 3);
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
                new org.prune4j.data.Normalization(new float[] {128 / 255f}, new float[] {0.25f}));
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 32, 4);
            DataLoader l = new DataLoader(d, 32, false, false, org.prune4j.data.Augmentation.NONE, 0);
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

    @Test
    void graspImportanceIsWeightTimesHg() {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyMlp net = new TinyMlp(m, 3, 16, 8, 4);
            float[] w = net.layer(1).weight().value().toFloatArray();
            GraspSaliency grasp = new GraspSaliency(loader(), 1, 200);
            Map<String, float[]> hg = grasp.hessianGradientProduct(net, Prunable.weights(net));
            Map<String, float[]> s = grasp.scores(net, Prunable.weights(net));
            float[] h = hg.get("fc2.weight");
            float[] sc = s.get("fc2.weight");
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i] * h[i], sc[i], 1e-6 * Math.max(1, Math.abs(w[i] * h[i])));
            }
            // the network is unchanged by scoring
            assertEquals(w.length, net.layer(1).weight().value().toFloatArray().length);
            org.junit.jupiter.api.Assertions.assertArrayEquals(w, net.layer(1).weight().value().toFloatArray(), 0f);
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
