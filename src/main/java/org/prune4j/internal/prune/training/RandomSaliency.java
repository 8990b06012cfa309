package org.prune4j.internal.prune.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.prune4j.internal.nn.Parameter;
import org.prune4j.internal.train.Network;

/** Uniform random scores (seeded): pruning by them is random pruning, the baseline of every criterion. */
public final class RandomSaliency implements Saliency {
    private final long seed;

    public RandomSaliency(long seed) {
        this.seed = seed;
    }

    @Override
    public Map<String, float[]> scores(Network network, Map<String, Parameter> weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        int t = 0;
        for (Map.Entry<String, Parameter> e : weights.entrySet()) {
            Random rng = new Random(seed * 1_000_003L + t++);
            float[] s = new float[Math.toIntExact(e.getValue().numel())];
            for (int i = 0; i < s.length; i++) {
                s[i] = rng.nextFloat();
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    @Override
    public String name() {
        return "random";
    }
}
