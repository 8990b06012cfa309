package org.prune4j.internal.generate;

/**
 * Chooses the next token from the logits of the last position.
 *
 * <p>{@link #greedy()} takes the arg-max. {@link #random} is llama2.c {@code run.c}'s sampler: divide the
 * logits by the temperature, softmax (float32), draw one uniform number from a xorshift64* generator
 * seeded with {@code seed}, and either invert the CDF over the whole vocabulary or, when
 * {@code 0 < topP < 1}, over the nucleus: the most probable tokens whose cumulative probability first
 * exceeds {@code topP} (tokens below {@code (1−topP)/(V−1)} are dropped before sorting). With the same
 * seed, temperature and top-p the draws are run.c's.
 */
public interface Sampler {
    /** The next token id given {@code logits [V]} (the array may be modified). */
    int sample(float[] logits);

    /** The arg-max (the first one on ties), as run.c at temperature 0. */
    static Sampler greedy() {
        return GreedySampler.INSTANCE;
    }

    /**
     * Greedy when {@code temperature == 0}, otherwise seeded random sampling (see the class comment).
     *
     * @throws org.prune4j.UserError for a negative or non-finite temperature, a top-p outside [0, 1], or a
     *     zero seed (a xorshift generator stays at zero)
     */
    static Sampler of(float temperature, float topP, long seed) {
        if (temperature == 0f) {
            return greedy();
        }
        return new RandomSampler(temperature, topP, seed);
    }
}
