package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.INT;
import static org.prune4j.internal.recipe.KeyType.LONG;
import static org.prune4j.internal.recipe.KeyType.NUMBER;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/**
 * Recipe job {@code prune-precrop} ({@code prune4j prune --arch NAME --method precrop-*}): PreCropping, a narrower
 * network derived at initialisation and optionally trained from scratch. No checkpoint: the seed is the model.
 */
final class PreCropJob {
    private PreCropJob() {}

    static JobSchema schema() {
        return new JobSchema("prune-precrop", List.of("prune"), List.of(
                JobKey.of("model", "arch", "--arch", STRING),
                JobKey.of("method", "name", "--method", STRING),
                JobKey.of("method", "density", "--density", NUMBER),
                JobKey.of("method", "budget", "--budget", STRING),
                JobKey.of("method", "round_to", "--round-to", INT),
                JobKey.of("method", "score_examples", "--score-examples", INT),
                JobKey.of("method", "synflow_iterations", "--synflow-iterations", INT),
                JobKey.of("method", "seed", "--seed", LONG),
                JobKey.of("finetune", "epochs", "--finetune-epochs", INT),
                JobKey.of("finetune", "lr", "--lr", NUMBER),
                JobKey.of("finetune", "batch", "--batch-size", INT),
                JobKey.of("data", "dataset", "--dataset", STRING),
                JobKey.of("data", "dir", "--data-dir", PATH),
                JobKey.of("evaluation", "images", "--images", PATH),
                JobKey.of("evaluation", "latency_reps", "--latency-reps", INT),
                JobKey.of("output", "path", "--out", PATH)));
    }
}
