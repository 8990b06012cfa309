package org.prune4j.internal.generate;

/** Arg-max sampling; ties go to the lowest id. */
final class GreedySampler implements Sampler {
    static final GreedySampler INSTANCE = new GreedySampler();

    private GreedySampler() {}

    @Override
    public int sample(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
