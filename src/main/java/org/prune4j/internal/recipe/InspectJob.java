package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.BOOL;
import static org.prune4j.internal.recipe.KeyType.MODEL;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code inspect} ({@code prune4j inspect}): a description of a model, read without changing it. */
final class InspectJob {
    private InspectJob() {}

    static JobSchema schema() {
        return new JobSchema("inspect", List.of("inspect"), List.of(
                JobKey.of("model", "path", "--model", MODEL),
                JobKey.of("model", "arch", "--arch", STRING),
                JobKey.of("inspect", "groups", "--groups", BOOL)));
    }
}
