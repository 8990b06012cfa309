package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.INT;
import static org.prune4j.internal.recipe.KeyType.INTS;
import static org.prune4j.internal.recipe.KeyType.LONG;
import static org.prune4j.internal.recipe.KeyType.MODELS;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code bench} ({@code prune4j bench}): inference speed of models, interleaved in one run. */
final class BenchJob {
    private BenchJob() {}

    static JobSchema schema() {
        return new JobSchema("bench", List.of("bench"), List.of(
                JobKey.of("models", "paths", "--model", MODELS),
                JobKey.of("models", "arch", "--arch", STRING),
                JobKey.of("bench", "runtime", "--runtime", STRING),
                JobKey.of("bench", "prefill", "--prefill", INT),
                JobKey.of("bench", "decode", "--decode", INT),
                JobKey.of("bench", "batch", "--batch", INTS),
                JobKey.of("bench", "runs", "--runs", INT),
                JobKey.of("bench", "warmup", "--warmup", INT),
                JobKey.of("bench", "seed", "--seed", LONG),
                JobKey.of("bench", "threads", "--threads", INT)));
    }
}
