package org.prune4j.internal.recipe;

import java.util.List;

/**
 * Recipe job {@code demo} ({@code prune4j demo}): the fixed demonstration on the bundled model and its pinned
 * protocol. It has no settings, so its recipe is the job alone.
 */
final class DemoJob {
    private DemoJob() {}

    static JobSchema schema() {
        return new JobSchema("demo", List.of("demo"), List.of());
    }
}
