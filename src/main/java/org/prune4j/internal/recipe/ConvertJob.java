package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.BOOL;
import static org.prune4j.internal.recipe.KeyType.MODEL;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code convert} ({@code prune4j convert}): a model written in another format. */
final class ConvertJob {
    private ConvertJob() {}

    static JobSchema schema() {
        return new JobSchema("convert", List.of("convert"), List.of(
                JobKey.of("model", "path", "--model", MODEL),
                JobKey.of("model", "arch", "--arch", STRING),
                JobKey.of("model", "tokenizer", "--tokenizer", PATH),
                JobKey.of("output", "format", "--to", STRING),
                JobKey.of("output", "dtype", "--dtype", STRING),
                JobKey.of("output", "max_shard_size", "--max-shard-size", STRING),
                JobKey.of("output", "kv_cache", "--kv-cache", BOOL),
                JobKey.of("output", "path", "--out", PATH)));
    }
}
