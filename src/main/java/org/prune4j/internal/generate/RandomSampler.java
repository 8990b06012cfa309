package org.prune4j.internal.generate;

import java.util.Arrays;
import org.prune4j.UserError;

/** Temperature and optional top-p sampling with run.c's xorshift64* generator (see {@link Sampler}). */
final class RandomSampler implements Sampler {
    private final float temperature;
    private final float topP;
    private long state;

    RandomSampler(float temperature, float topP, long seed) {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new UserError("--temperature " + temperature + ": must be a finite number ≥ 0");
        }
        if (!(topP >= 0 && topP <= 1)) {
            throw new UserError("--top-p " + topP + ": must be in [0, 1]");
        }
        if (seed == 0) {
            throw new UserError("--seed 0: the seed must not be 0 (a xorshift generator seeded with 0 only yields 0)");
        }
        this.temperature = temperature;
        this.topP = topP;
        this.state = seed;
    }

    @Override
    public int sample(float[] logits) {
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= temperature;
        }
        softmax(logits);
        float coin = nextFloat();
        return topP <= 0 || topP >= 1 ? inverseCdf(logits, coin) : nucleus(logits, coin);
    }

    /** In place, float32 like run.c: subtract the max, exponentiate, normalise. */
    static void softmax(float[] x) {
        float max = x[0];
        for (float v : x) {
            max = Math.max(max, v);
        }
        float sum = 0f;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    /** The first index where the running sum of {@code probs} exceeds {@code coin}. */
    static int inverseCdf(float[] probs, float coin) {
        float cdf = 0f;
        for (int i = 0; i < probs.length; i++) {
            cdf += probs[i];
            if (coin < cdf) {
                return i;
            }
        }
        return probs.length - 1;
    }

    /** Top-p: the smallest most-probable set with cumulative probability above {@code topP}, renormalised. */
    int nucleus(float[] probs, float coin) {
        float cutoff = (1.0f - topP) / (probs.length - 1);
        Integer[] kept = new Integer[probs.length];
        int n = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] >= cutoff) {
                kept[n++] = i;
            }
        }
        Integer[] order = Arrays.copyOf(kept, n);
        Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a])); // stable: equal probabilities keep id order
        float cumulative = 0f;
        int last = n - 1;
        for (int i = 0; i < n; i++) {
            cumulative += probs[order[i]];
            if (cumulative > topP) {
                last = i;
                break;
            }
        }
        float r = coin * cumulative;
        float cdf = 0f;
        for (int i = 0; i <= last; i++) {
            cdf += probs[order[i]];
            if (r < cdf) {
                return order[i];
            }
        }
        return order[last];
    }

    /** xorshift64* → a float in [0, 1) from the top 24 bits, as run.c's {@code random_f32}. */
    float nextFloat() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        int u = (int) ((state * 0x2545F4914F6CDD1DL) >>> 32);
        return (u >>> 8) / 16777216.0f;
    }
}
