package org.prune4j.internal.recipe;

import static org.prune4j.internal.recipe.KeyType.BOOL;
import static org.prune4j.internal.recipe.KeyType.IDS;
import static org.prune4j.internal.recipe.KeyType.INT;
import static org.prune4j.internal.recipe.KeyType.MODEL;
import static org.prune4j.internal.recipe.KeyType.NUMBERS;
import static org.prune4j.internal.recipe.KeyType.PATH;
import static org.prune4j.internal.recipe.KeyType.STRING;

import java.util.List;

/** Recipe job {@code eval} ({@code prune4j eval}): perplexity of a language model, accuracy of an image classifier. */
final class EvalJob {
    private EvalJob() {}

    static JobSchema schema() {
        return new JobSchema("eval", List.of("eval"), List.of(
                JobKey.of("model", "path", "--model", MODEL),
                JobKey.of("model", "arch", "--arch", STRING),
                JobKey.of("model", "tokenizer", "--tokenizer", PATH),
                JobKey.of("evaluation", "text", "--text", PATH),
                JobKey.of("evaluation", "ids", "--ids", IDS),
                JobKey.of("evaluation", "images", "--images", PATH),
                JobKey.of("evaluation", "seqlen", "--seqlen", INT),
                JobKey.of("evaluation", "max_windows", "--max-windows", INT),
                JobKey.of("evaluation", "batch", "--batch-size", INT),
                JobKey.of("evaluation", "tokens", "--tokens", STRING),
                JobKey.of("evaluation", "kv", "--kv", STRING),
                JobKey.of("evaluation", "kv_budget", "--kv-budget", INT),
                JobKey.of("evaluation", "stream", "--stream", BOOL),
                JobKey.of("evaluation", "prefill_keep", "--prefill-keep", NUMBERS),
                JobKey.of("evaluation", "prompt_tokens", "--prompt-tokens", INT)));
    }
}
