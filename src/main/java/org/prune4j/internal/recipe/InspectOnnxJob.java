package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.BOOL;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.SIZES;

import java.util.List;

/** Recipe job {@code inspect-onnx} ({@code prune4j inspect --onnx}): the prunable groups of an ONNX graph. */
final class InspectOnnxJob {
    private InspectOnnxJob() {}

    static JobSchema schema() {
        return new JobSchema("inspect-onnx", List.of("inspect"), List.of(
                JobKey.of("model", "path", "--onnx", PATH),
                JobKey.of("model", "dims", "--dim", SIZES),
                JobKey.of("inspect", "groups", "--groups", BOOL)));
    }
}
