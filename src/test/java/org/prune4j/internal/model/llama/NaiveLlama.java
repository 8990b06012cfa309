package org.prune4j.internal.model.llama;

import java.util.Map;
import org.prune4j.internal.io.TensorData;

/**
 * A deliberately plain float-loop Llama forward pass over a checkpoint's canonical tensors, written
 * independently of the DJL model, to check it on shapes the reference files do not cover (biases, an
 * untied classifier, blocks of different sizes). Rotary angles in double precision.
 */
final class NaiveLlama {
    private final LlamaCheckpoint ckpt;
    private final LlamaConfig c;

    NaiveLlama(LlamaCheckpoint ckpt) {
        this.ckpt = ckpt;
        this.c = ckpt.config();
    }

    /** Logits {@code [T][V]} of one sequence. */
    float[][] logits(int[] ids) {
        int d = c.hiddenSize();
        int hd = c.headDim();
        int n = ids.length;
        float[] emb = f(LlamaTensorNames.EMBED);
        float[][] x = new float[n][d];
        for (int t = 0; t < n; t++) {
            System.arraycopy(emb, ids[t] * d, x[t], 0, d);
        }
        for (int i = 0; i < c.numLayers(); i++) {
            float[][] xn = norm(x, f(LlamaTensorNames.inputNorm(i)));
            float[][] q = lin(xn, i, "self_attn.q_proj");
            float[][] k = lin(xn, i, "self_attn.k_proj");
            float[][] v = lin(xn, i, "self_attn.v_proj");
            int heads = q[0].length / hd;
            int kvHeads = k[0].length / hd;
            for (int t = 0; t < n; t++) {
                rope(q[t], t, hd);
                rope(k[t], t, hd);
            }
            float[][] att = new float[n][heads * hd];
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                for (int t = 0; t < n; t++) {
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double dot = 0;
                        for (int j = 0; j < hd; j++) {
                            dot += q[t][h * hd + j] * k[u][g * hd + j];
                        }
                        s[u] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int j = 0; j < hd; j++) {
                            att[t][h * hd + j] += (float) (s[u] / sum * v[u][g * hd + j]);
                        }
                    }
                }
            }
            add(x, lin(att, i, "self_attn.o_proj"));
            float[][] hn = norm(x, f(LlamaTensorNames.postAttentionNorm(i)));
            float[][] gate = lin(hn, i, "mlp.gate_proj");
            float[][] up = lin(hn, i, "mlp.up_proj");
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < gate[t].length; j++) {
                    double gv = gate[t][j];
                    gate[t][j] = (float) (gv / (1 + Math.exp(-gv)) * up[t][j]);
                }
            }
            add(x, lin(gate, i, "mlp.down_proj"));
        }
        float[][] xn = norm(x, f(LlamaTensorNames.FINAL_NORM));
        String head = ckpt.tensors().containsKey(LlamaTensorNames.LM_HEAD) && !c.tieWordEmbeddings()
                ? LlamaTensorNames.LM_HEAD : LlamaTensorNames.EMBED;
        return matmul(xn, f(head), c.vocabSize(), null);
    }

    private float[] f(String name) {
        return ckpt.tensor(name).toFloats();
    }

    private float[][] lin(float[][] x, int block, String linear) {
        TensorData w = ckpt.tensor(LlamaTensorNames.linearWeight(block, linear));
        Map<String, TensorData> t = ckpt.tensors();
        String bn = LlamaTensorNames.linearBias(block, linear);
        return matmul(x, w.toFloats(), (int) w.shape()[0], t.containsKey(bn) ? t.get(bn).toFloats() : null);
    }

    private static float[][] matmul(float[][] x, float[] w, int out, float[] bias) {
        int in = x[0].length;
        float[][] y = new float[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int j = 0; j < in; j++) {
                    s += x[t][j] * w[o * in + j];
                }
                y[t][o] = (float) s;
            }
        }
        return y;
    }

    private float[][] norm(float[][] x, float[] w) {
        float[][] y = new float[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (float v : x[t]) {
                ms += v * v;
            }
            double inv = 1 / Math.sqrt(ms / x[t].length + c.rmsNormEps());
            y[t] = new float[x[t].length];
            for (int j = 0; j < w.length; j++) {
                y[t][j] = (float) (x[t][j] * inv * w[j]);
            }
        }
        return y;
    }

    private void rope(float[] row, int pos, int hd) {
        int half = hd / 2;
        for (int h = 0; h < row.length / hd; h++) {
            for (int j = 0; j < half; j++) {
                double a = pos * Math.pow(c.ropeTheta(), -2.0 * j / hd);
                int i1 = h * hd + j;
                int i2 = i1 + half;
                double x1 = row[i1];
                double x2 = row[i2];
                row[i1] = (float) (x1 * Math.cos(a) - x2 * Math.sin(a));
                row[i2] = (float) (x2 * Math.cos(a) + x1 * Math.sin(a));
            }
        }
    }

    private static void add(float[][] x, float[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < x[t].length; j++) {
                x[t][j] += y[t][j];
            }
        }
    }
}
