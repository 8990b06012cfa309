package org.prune4j.internal.io.hf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.llama.CheckpointFormat;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaConfig;
import org.prune4j.internal.model.llama.LlamaTensorNames;

/** Small seeded random Llama-family checkpoints for format tests. */
public final class TinyCheckpoints {
    private TinyCheckpoints() {}

    /** A 2-block Llama: width 16, 4 heads / 2 kv heads of 4, MLP 24, vocab 40, untied. */
    public static LlamaConfig llama() {
        return new LlamaConfig("LlamaForCausalLM", 16, 24, 2, 4, 2, 4, 40, 64, 10000.0, 1e-5, false, false, 1, 2);
    }

    /** A 2-block Qwen2: q/k/v biases, tied embeddings, rope_theta 1e6, eps 1e-6. */
    public static LlamaConfig qwen2() {
        return new LlamaConfig("Qwen2ForCausalLM", 16, 24, 2, 4, 2, 4, 40, 128, 1000000.0, 1e-6, true, true, 38, 39);
    }

    /** A random checkpoint whose blocks all have the shape {@code c} describes. */
    public static LlamaCheckpoint random(LlamaConfig c, long seed) {
        return random(c, Collections.nCopies(c.numLayers(), LayerShape.uniform(c)), seed);
    }

    /** A random checkpoint with blocks shaped as {@code shapes} (as structured pruning leaves them). */
    public static LlamaCheckpoint random(LlamaConfig c, List<LayerShape> shapes, long seed) {
        Random rnd = new Random(seed);
        Map<String, long[]> expected = ExpectedTensors.of(c, shapes, !c.tieWordEmbeddings());
        Map<String, TensorData> t = new LinkedHashMap<>();
        expected.forEach((name, shape) -> t.put(name, randomTensor(rnd, shape)));
        return new LlamaCheckpoint(c, t, CheckpointFormat.HF, Path.of("memory"), null);
    }

    static TensorData randomTensor(Random rnd, long[] shape) {
        float[] v = new float[Math.toIntExact(TensorData.numel(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.5);
        }
        return TensorData.ofFloats(shape, v);
    }

    /** Asserts-friendly comparison: same names, dtypes, shapes and bytes. */
    public static boolean sameTensors(Map<String, TensorData> a, Map<String, TensorData> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!a.get(k).equals(b.get(k))) {
                return false;
            }
        }
        return true;
    }

    /** The first name whose tensor differs, or {@code null}. */
    public static String firstDifference(Map<String, TensorData> a, Map<String, TensorData> b) {
        if (!a.keySet().equals(b.keySet())) {
            return "names " + a.keySet() + " vs " + b.keySet();
        }
        for (String k : a.keySet()) {
            if (!a.get(k).equals(b.get(k))) {
                return k + ": " + a.get(k) + " vs " + b.get(k);
            }
        }
        return null;
    }
}
