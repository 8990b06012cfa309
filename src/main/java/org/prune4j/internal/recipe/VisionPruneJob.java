package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.BOOL;
import static org.prune4j.internal.recipe.KeyType.INT;
import static org.prune4j.internal.recipe.KeyType.LONG;
import static org.prune4j.internal.recipe.KeyType.NUMBER;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code prune-vision} ({@code prune4j prune --arch}): structural pruning of a vision checkpoint. */
final class VisionPruneJob {
    private VisionPruneJob() {}

    static JobSchema schema() {
        return new JobSchema("prune-vision", List.of("prune"), List.of(
                JobKey.of("model", "arch", "--arch", STRING),
                JobKey.of("model", "path", "--model", PATH),
                JobKey.of("method", "name", "--method", STRING),
                JobKey.of("method", "scope", "--scope", STRING),
                JobKey.of("method", "target_macs", "--target-macs", NUMBER),
                JobKey.of("method", "target_params", "--target-params", NUMBER),
                JobKey.of("method", "ratio", "--ratio", NUMBER),
                JobKey.of("method", "reduction", "--reduction", STRING),
                JobKey.of("method", "normalizer", "--normalizer", STRING),
                JobKey.of("method", "round_to", "--round-to", INT),
                JobKey.of("method", "max_ratio", "--max-ratio", NUMBER),
                JobKey.of("method", "step", "--step", NUMBER),
                JobKey.of("method", "seed", "--seed", LONG),
                JobKey.of("sparsity_training", "epochs", "--sparsity-train-epochs", INT),
                JobKey.of("sparsity_training", "reg", "--reg", STRING),
                JobKey.of("sparsity_training", "reg_lambda", "--reg-lambda", NUMBER),
                JobKey.of("finetune", "epochs", "--finetune-epochs", INT),
                JobKey.of("finetune", "lr", "--lr", NUMBER),
                JobKey.of("finetune", "batch", "--batch-size", INT),
                JobKey.of("finetune", "distill", "--distill", BOOL),
                JobKey.of("finetune", "distill_temperature", "--distill-temperature", NUMBER),
                JobKey.of("finetune", "distill_alpha", "--distill-alpha", NUMBER),
                JobKey.of("data", "dataset", "--dataset", STRING),
                JobKey.of("data", "dir", "--data-dir", PATH),
                JobKey.of("evaluation", "images", "--images", PATH),
                JobKey.of("evaluation", "calib_images", "--calib-images", PATH),
                JobKey.of("evaluation", "latency_reps", "--latency-reps", INT),
                JobKey.of("output", "path", "--out", PATH)));
    }
}
