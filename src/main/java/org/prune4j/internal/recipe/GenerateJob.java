package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.INT;
import static org.prune4j.internal.recipe.KeyType.LONG;
import static org.prune4j.internal.recipe.KeyType.MODEL;
import static org.prune4j.internal.recipe.KeyType.NUMBER;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code generate} ({@code prune4j generate}): text from a language model. */
final class GenerateJob {
    private GenerateJob() {}

    static JobSchema schema() {
        return new JobSchema("generate", List.of("generate"), List.of(
                JobKey.of("model", "path", "--model", MODEL),
                JobKey.of("model", "tokenizer", "--tokenizer", PATH),
                JobKey.of("generation", "prompt", "--prompt", STRING),
                JobKey.of("generation", "steps", "--steps", INT),
                JobKey.of("generation", "temperature", "--temperature", NUMBER),
                JobKey.of("generation", "top_p", "--top-p", NUMBER),
                JobKey.of("generation", "seed", "--seed", LONG),
                JobKey.of("generation", "kv", "--kv", STRING),
                JobKey.of("generation", "kv_budget", "--kv-budget", INT)));
    }
}
