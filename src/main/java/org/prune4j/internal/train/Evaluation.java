package org.prune4j.internal.train;

/**
 * Accuracy and mean cross-entropy loss over a set of examples.
 *
 * @param examples number of examples evaluated
 * @param correct number classified correctly (arg-max of the logits equals the label)
 * @param loss mean cross-entropy
 */
public record Evaluation(long examples, long correct, double loss) {
    /** Fraction correct, in [0, 1]. */
    public double accuracy() {
        return examples == 0 ? 0 : correct / (double) examples;
    }
}
