package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.INT;
import static org.prune4j.internal.recipe.KeyType.LONG;
import static org.prune4j.internal.recipe.KeyType.NUMBER;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.SIZES;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code prune-onnx} ({@code prune4j prune --onnx}): structured pruning of an ONNX model. */
final class OnnxPruneJob {
    private OnnxPruneJob() {}

    static JobSchema schema() {
        return new JobSchema("prune-onnx", List.of("prune"), List.of(
                JobKey.of("model", "path", "--onnx", PATH),
                JobKey.of("model", "dims", "--dim", SIZES),
                JobKey.of("method", "name", "--method", STRING),
                JobKey.of("method", "ratio", "--ratio", NUMBER),
                JobKey.of("method", "target_macs", "--target-macs", NUMBER),
                JobKey.of("method", "scope", "--scope", STRING),
                JobKey.of("method", "round_to", "--round-to", INT),
                JobKey.of("method", "group_score", "--group-score", STRING),
                JobKey.of("method", "seed", "--seed", LONG),
                JobKey.of("calibration", "path", "--calib", PATH),
                JobKey.of("calibration", "tokenizer", "--tokenizer", PATH),
                JobKey.of("calibration", "nsamples", "--max-calib", INT),
                JobKey.of("output", "path", "--out", PATH)));
    }
}
