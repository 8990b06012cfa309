package org.prune4j.internal.generate;

import java.util.Arrays;

/**
 * The outcome of {@link Generator#generate}.
 *
 * @param tokens the whole sequence: the prompt (BOS first) followed by the generated tokens
 * @param promptLength number of prompt tokens at the start of {@code tokens}
 * @param positions forward passes run (one per position)
 * @param stoppedAtBos generation ended because the model produced BOS (not included in {@code tokens})
 * @param seconds wall-clock time of the loop
 */
public record Generation(int[] tokens, int promptLength, int positions, boolean stoppedAtBos, double seconds) {
    public Generation {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** The tokens after the prompt. */
    public int[] generated() {
        return Arrays.copyOfRange(tokens, Math.min(promptLength, tokens.length), tokens.length);
    }

    /** Forward passes per second. */
    public double tokensPerSecond() {
        return seconds > 0 ? positions / seconds : Double.POSITIVE_INFINITY;
    }
}
