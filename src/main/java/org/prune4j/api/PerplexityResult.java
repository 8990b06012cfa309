package org.prune4j.api;

/**
 * A measured perplexity (the SparseGPT/Wanda protocol: every window scored on its own from position 0,
 * {@code perplexity = exp(mean of the windows' mean next-token cross-entropy)}).
 *
 * @param perplexity the perplexity
 * @param windows windows (rows) scored
 * @param seqlen tokens per window
 * @param tokens next-token predictions scored ({@code windows · (seqlen − 1)})
 * @param seconds wall-clock seconds of the forward passes
 */
public record PerplexityResult(double perplexity, int windows, int seqlen, long tokens, double seconds) {
    /** The mean loss in nats per token, {@code ln perplexity}. */
    public double meanLoss() {
        return Math.log(perplexity);
    }
}
