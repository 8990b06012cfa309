package org.prune4j.internal.prune.structural;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.data.Datasets;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.nn.BatchNorm2d;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.train.Autograd;

/**
 * The sparsity regularisers against a hand computation in double precision (LeNet-5's three prunable groups
 * written out from the architecture, not taken from the dependency graph; ResNet-20's batch-norm scales), and
 * their effect: a few steps with a large λ shrink the group norms measurably relative to the same training
 * without the penalty.
 */
class SparsityRegularizerTest {
    static final Path RESNET20 = Path.of("src/test/resources/checkpoints/resnet20-12fca82f.th");
    static final Shape MNIST = new Shape(1, 28, 28);

    @Test
    void groupNormValueAndGradientMatchAHandComputationOnLenet5() {
        double lambda = 0.3;
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.create("lenet5", nd, 7);
            Map<String, Parameter> p = model.namedParameters();
            // conv1 (20,1,5,5) -> pool -> conv2 (50,20,5,5) -> pool -> flatten 50x4x4 -> fc1 (500,800) -> fc2 (10,500)
            double[][] w1 = rows(p.get("conv1.weight"), 20);
            double[] b1 = doubles(p.get("conv1.bias"));
            double[][] w2 = rows(p.get("conv2.weight"), 50); // [50][20*25]
            double[] b2 = doubles(p.get("conv2.bias"));
            double[][] f1 = rows(p.get("fc1.weight"), 500); // [500][800]
            double[] fb1 = doubles(p.get("fc1.bias"));
            double[][] f2 = rows(p.get("fc2.weight"), 10); // [10][500]
            double[] s1 = new double[20];
            double[] s2 = new double[50];
            double[] s3 = new double[500];
            for (int c = 0; c < 20; c++) { // conv1 filter c, its bias, conv2's input channel c
                s1[c] = sumSq(w1[c]) + b1[c] * b1[c];
                for (int o = 0; o < 50; o++) {
                    for (int k = 0; k < 25; k++) {
                        s1[c] += w2[o][c * 25 + k] * w2[o][c * 25 + k];
                    }
                }
            }
            for (int c = 0; c < 50; c++) { // conv2 filter c, its bias, fc1's 16 columns of channel c
                s2[c] = sumSq(w2[c]) + b2[c] * b2[c];
                for (double[] row : f1) {
                    for (int k = 0; k < 16; k++) {
                        s2[c] += row[c * 16 + k] * row[c * 16 + k];
                    }
                }
            }
            for (int c = 0; c < 500; c++) { // fc1 row c, its bias, fc2's column c (fc2's outputs are the logits: pinned)
                s3[c] = sumSq(f1[c]) + fb1[c] * fb1[c];
                for (double[] row : f2) {
                    s3[c] += row[c] * row[c];
                }
            }
            double expected = 0;
            for (double[] s : new double[][] {s1, s2, s3}) {
                for (double v : s) {
                    expected += Math.sqrt(v);
                }
            }
            GroupNormRegularizer reg = GroupNormRegularizer.of(DependencyGraph.build(model, model::forward, MNIST), lambda);
            assertEquals(expected, reg.norm(), 1e-9 * expected);
            p.values().forEach(q -> q.value().setRequiresGradient(true));
            try (NDManager scope = nd.newSubManager()) {
                NDArray penalty = Autograd.backward(() -> reg.penalty(scope));
                assertEquals(lambda * expected, penalty.getFloat(), 1e-5 * lambda * expected);
                // d/dw λ Σ sqrt(S) = λ w Σ_{channels covering w} 1 / sqrt(S_channel)
                float[] g1 = grad(p.get("conv1.weight"), scope);
                float[] g2 = grad(p.get("conv2.weight"), scope);
                float[] gf1 = grad(p.get("fc1.weight"), scope);
                float[] gf2 = grad(p.get("fc2.weight"), scope);
                float[] gb2 = grad(p.get("conv2.bias"), scope);
                for (int c = 0; c < 20; c++) {
                    for (int k = 0; k < 25; k++) {
                        near(lambda * w1[c][k] / Math.sqrt(s1[c]), g1[c * 25 + k]);
                    }
                }
                for (int o = 0; o < 50; o++) {
                    near(lambda * b2[o] / Math.sqrt(s2[o]), gb2[o]);
                    for (int i = 0; i < 20 * 25; i++) {
                        near(lambda * w2[o][i] * (1 / Math.sqrt(s2[o]) + 1 / Math.sqrt(s1[i / 25])), g2[o * 500 + i]);
                    }
                }
                for (int j = 0; j < 500; j += 7) {
                    for (int k = 0; k < 800; k++) {
                        near(lambda * f1[j][k] * (1 / Math.sqrt(s3[j]) + 1 / Math.sqrt(s2[k / 16])), gf1[j * 800 + k]);
                    }
                }
                for (int o = 0; o < 10; o++) {
                    for (int j = 0; j < 500; j++) {
                        near(lambda * f2[o][j] / Math.sqrt(s3[j]), gf2[o * 500 + j]);
                    }
                }
            }
        }
    }

    @Test
    void batchNormL1ValueAndGradientMatchAHandComputationOnResnet20() {
        double lambda = 0.01;
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load("resnet20", RESNET20, nd);
            double expected = 0;
            int count = 0;
            for (var m : model.namedModules().values()) {
                if (m instanceof BatchNorm2d bn) {
                    for (double v : doubles(bn.weight())) {
                        expected += Math.abs(v);
                    }
                    count++;
                }
            }
            assertEquals(19, count, "ResNet-20: the stem's and two per block");
            BatchNormL1 reg = BatchNormL1.of(model, lambda);
            assertEquals(expected, reg.norm(), 1e-9 * expected);
            model.namedParameters().values().forEach(q -> q.value().setRequiresGradient(true));
            try (NDManager scope = nd.newSubManager()) {
                NDArray penalty = Autograd.backward(() -> reg.penalty(scope));
                assertEquals(lambda * expected, penalty.getFloat(), 1e-5 * lambda * expected);
                BatchNorm2d bn = (BatchNorm2d) model.namedModules().get("layer2.1.bn1");
                float[] g = grad(bn.weight(), scope);
                double[] gamma = doubles(bn.weight());
                for (int i = 0; i < g.length; i++) {
                    assertEquals(lambda * Math.signum(gamma[i]), g[i], 1e-9);
                }
            }
        }
    }

    @Test
    void aFewStepsWithALargeLambdaShrinkTheGroupNormsRelativeToNoPenalty() {
        Dataset data = Datasets.find("fashion-mnist", Path.of("src/test/resources/data")).train()
                .withNormalization(VisionModels.spec("lenet5").normalization()).range(0, 96);
        StructuralPruneJob.SparsityTraining st = new StructuralPruneJob.SparsityTraining(1, "group-norm", 1.0);
        try (NDManager nd = NDManager.newBaseManager()) {
            VisionModel plain = VisionModels.create("lenet5", nd, 3);
            VisionModel sparse = VisionModels.create("lenet5", nd, 3);
            double before = GroupNormRegularizer.of(DependencyGraph.build(plain, plain::forward, MNIST), 1).norm();
            StructuralPruneJob.finetune(plain, null, request(data, null));
            double plainAfter = GroupNormRegularizer.of(DependencyGraph.build(plain, plain::forward, MNIST), 1).norm();
            ObjectNode report = new ObjectMapper().createObjectNode();
            StructuralPruneJob.sparsityTrain(sparse, request(data, st), MNIST, report);
            double sparseAfter = GroupNormRegularizer.of(DependencyGraph.build(sparse, sparse::forward, MNIST), 1).norm();
            assertEquals(before, report.get("reg_group_norm_before").asDouble(), 1e-9 * before);
            assertEquals(sparseAfter, report.get("reg_group_norm_after").asDouble(), 1e-9 * before);
            assertTrue(sparseAfter < 0.8 * plainAfter, "with λ = 1: " + sparseAfter + ", without: " + plainAfter
                    + " (before " + before + ")");
        }
    }

    private static StructuralPruneJob.Request request(Dataset data, StructuralPruneJob.SparsityTraining st) {
        // 6 steps of 16 images, SGD lr 0.05; the plain run fine-tunes with the same data, order and optimiser
        return new StructuralPruneJob.Request("lenet5", null, null, null, data, 1, 0.05, 16, 0, 1, null, null, st);
    }

    private static void near(double expected, float actual) {
        assertEquals(expected, actual, 1e-4 * Math.abs(expected) + 1e-7);
    }

    private static float[] grad(Parameter p, NDManager scope) {
        return Autograd.gradient(p.value(), scope).toFloatArray();
    }

    private static double[] doubles(Parameter p) {
        float[] f = p.value().toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[][] rows(Parameter p, int n) {
        double[] d = doubles(p);
        int len = d.length / n;
        double[][] out = new double[n][len];
        for (int r = 0; r < n; r++) {
            System.arraycopy(d, r * len, out[r], 0, len);
        }
        return out;
    }

    private static double sumSq(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
