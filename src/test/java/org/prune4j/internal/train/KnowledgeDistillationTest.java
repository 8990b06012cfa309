package org.prune4j.internal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.data.Batch;

/** The distillation objective's value and gradient against a direct double-precision computation. */
class KnowledgeDistillationTest {
    static final int N = 4;
    static final int D = 3;
    static final int K = 5;

    @Test
    void lossAndGradientMatchTheFormula() {
        double temperature = 4;
        double alpha = 0.9;
        Random r = new Random(5);
        float[] x = new float[N * D];
        float[] ws = new float[K * D];
        float[] wt = new float[K * D];
        for (float[] a : new float[][] {x, ws, wt}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (2 * r.nextGaussian());
            }
        }
        int[] labels = {1, 4, 0, 2};
        try (NDManager nd = NDManager.newBaseManager()) {
            TinyMlp student = linear(nd, ws);
            TinyMlp teacher = linear(nd, wt);
            NDArray w = student.layer(0).weight().value();
            w.setRequiresGradient(true);
            NDArray loss;
            NDArray grad;
            try (NDManager scope = nd.newSubManager()) {
                Batch b = new Batch(scope.create(x, new Shape(N, D)), scope.create(labels), new int[] {0, 1, 2, 3});
                TrainingObjective o = KnowledgeDistillation.objective(teacher, temperature, alpha);
                loss = Autograd.backward(() -> o.loss(student, b));
                grad = Autograd.gradient(w, scope);
                double[] want = expected(x, ws, wt, labels, temperature, alpha);
                assertEquals(want[0], loss.getFloat(), 1e-4 * Math.abs(want[0]));
                float[] g = grad.toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    assertEquals(want[1 + i], g[i], 1e-4, "dL/dW[" + i + "]");
                }
            }
        }
    }

    private static TinyMlp linear(NDManager nd, float[] w) {
        TinyMlp m = new TinyMlp(nd, 0, D, K);
        m.layer(0).weight().setValue(nd.create(w, new Shape(K, D)));
        m.layer(0).bias().setValue(nd.zeros(new Shape(K)));
        return m;
    }

    /** {loss, dL/dW (row-major [K, D])} for logits = x·Wᵀ, computed in doubles. */
    private static double[] expected(float[] x, float[] ws, float[] wt, int[] labels, double t, double alpha) {
        double loss = 0;
        double[] out = new double[1 + K * D];
        for (int n = 0; n < N; n++) {
            double[] s = new double[K];
            double[] tl = new double[K];
            for (int k = 0; k < K; k++) {
                for (int d = 0; d < D; d++) {
                    s[k] += x[n * D + d] * ws[k * D + d];
                    tl[k] += x[n * D + d] * wt[k * D + d];
                }
            }
            double[] ps = softmax(s, t);
            double[] pt = softmax(tl, t);
            double[] p1 = softmax(s, 1);
            double kl = 0;
            for (int k = 0; k < K; k++) {
                kl += pt[k] * Math.log(pt[k] / ps[k]);
            }
            loss += (alpha * t * t * kl - (1 - alpha) * Math.log(p1[labels[n]])) / N;
            for (int k = 0; k < K; k++) {
                // d/ds_k of T²·KL = T·(ps_k − pt_k); of CE = p1_k − [k = label]
                double ds = (alpha * t * (ps[k] - pt[k]) + (1 - alpha) * (p1[k] - (k == labels[n] ? 1 : 0))) / N;
                for (int d = 0; d < D; d++) {
                    out[1 + k * D + d] += ds * x[n * D + d];
                }
            }
        }
        out[0] = loss;
        return out;
    }

    private static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] / t - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
