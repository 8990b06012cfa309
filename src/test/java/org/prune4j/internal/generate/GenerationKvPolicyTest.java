package org.prune4j.internal.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.prune.kv.KvCacheSpec;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/** Greedy generation with KV-cache policies: a budget of the whole sequence changes nothing. */
class GenerationKvPolicyTest {
    private static NDManager weights;
    private static LlamaModel model;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        weights = NDManager.newBaseManager();
        LlamaCheckpoint ckpt = ModelLocator.loadLlama("stories260K", null);
        model = LlamaModel.load(ckpt, weights);
        tokenizer = Tokenizers.load(ckpt.tokenizer(), ckpt.config().vocabSize());
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    private static String generate(KvCacheSpec cache) {
        TextStream text = new TextStream(tokenizer, null);
        new Generator(model).withCache(cache::create).generate(tokenizer.encode("", true, false), 200, Sampler.greedy(), text);
        text.finish();
        return text.text();
    }

    @ParameterizedTest
    @ValueSource(strings = {"window", "sinks", "h2o", "snapkv", "snapkv:heads=query"})
    void aBudgetOfTheWholeSequenceGivesTheGoldenText(String policy) throws IOException {
        assertEquals(GenerationTextTest.golden(), generate(KvCacheSpec.parse(policy, 200)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"window", "sinks", "h2o", "snapkv:window=8"})
    void aSmallBudgetChangesTheText(String policy) throws IOException {
        assertNotEquals(GenerationTextTest.golden(), generate(KvCacheSpec.parse(policy, 24)));
    }
}
