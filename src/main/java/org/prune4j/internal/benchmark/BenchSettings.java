package org.prune4j.internal.benchmark;

import java.util.List;
import org.prune4j.UserError;

/**
 * How a benchmark runs: prompt and generation lengths (language models), batch sizes (vision models),
 * untimed warm-up rounds, timed rounds and the seed of the random inputs.
 */
public record BenchSettings(int prefill, int decode, List<Integer> batches, int warmup, int runs, long seed) {
    public BenchSettings {
        if (prefill < 1) {
            throw new UserError("--prefill " + prefill + ": must be at least 1");
        }
        if (decode < 1) {
            throw new UserError("--decode " + decode + ": must be at least 1");
        }
        if (runs < 1) {
            throw new UserError("--runs " + runs + ": must be at least 1");
        }
        if (warmup < 0) {
            throw new UserError("--warmup " + warmup + ": must not be negative");
        }
        batches = List.copyOf(batches);
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw new UserError("--batch " + batches + ": batch sizes must be positive");
        }
    }
}
