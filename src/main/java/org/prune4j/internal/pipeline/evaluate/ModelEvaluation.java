package org.prune4j.internal.pipeline.evaluate;

/**
 * What one evaluation of a model measured.
 *
 * @param ppl perplexity
 * @param tokens tokens scored
 * @param seconds wall-clock seconds of the forward passes
 */
public record ModelEvaluation(double ppl, long tokens, double seconds) {
    /** Measured throughput of the evaluation forward passes (tokens scored per second). */
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : Double.NaN;
    }
}
