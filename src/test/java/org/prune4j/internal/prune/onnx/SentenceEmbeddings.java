package org.prune4j.internal.prune.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.prune4j.internal.io.onnx.InputTensor;
import org.prune4j.internal.io.onnx.OnnxRunner;
import org.prune4j.internal.io.onnx.OutputTensor;

/**
 * Sentence embeddings of a BERT-style ONNX encoder as sentence-transformers makes them for
 * all-MiniLM-L6-v2: mean of {@code last_hidden_state} over the tokens, L2-normalised. One sentence per
 * run (no padding).
 */
public final class SentenceEmbeddings implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    public SentenceEmbeddings(Path tokenizerJson) {
        try {
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optTruncation(true).optMaxLength(256).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long[] ids(String text) {
        Encoding e = tokenizer.encode(text);
        return e.getIds();
    }

    public float[][] embed(OnnxRunner runner, List<String> sentences) {
        Map<String, OnnxRunner.InputSpec> specs = runner.inputs();
        List<float[]> out = new ArrayList<>();
        for (String s : sentences) {
            Map<String, InputTensor> feed = CalibrationInputs.textFeed(ids(s), specs);
            OutputTensor h = runner.run(feed, List.of("last_hidden_state")).get("last_hidden_state");
            int tokens = (int) h.shape()[1];
            int dim = (int) h.shape()[2];
            float[] v = new float[dim];
            for (int t = 0; t < tokens; t++) {
                for (int d = 0; d < dim; d++) {
                    v[d] += h.values()[t * dim + d] / tokens;
                }
            }
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            float inv = (float) (1 / Math.sqrt(n));
            for (int d = 0; d < dim; d++) {
                v[d] *= inv;
            }
            out.add(v);
        }
        return out.toArray(new float[0][]);
    }

    public static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** Mean cosine similarity between row i of {@code a} and row i of {@code b}. */
    public static double meanRowCosine(float[][] a, float[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += cosine(a[i], b[i]);
        }
        return s / a.length;
    }

    /** Spearman rank correlation of the pairwise cosine similarities (i &lt; j) of {@code a} and of {@code b}. */
    public static double pairwiseSpearman(float[][] a, float[][] b) {
        int n = a.length;
        double[] x = new double[n * (n - 1) / 2];
        double[] y = new double[x.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                x[k] = cosine(a[i], a[j]);
                y[k++] = cosine(b[i], b[j]);
            }
        }
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                r[idx[t]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
