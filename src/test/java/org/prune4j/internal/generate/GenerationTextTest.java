package org.prune4j.internal.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/** Generated text, byte for byte, against llama2.c's documented output and the reference run.c stdout. */
class GenerationTextTest {
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

    /** The golden string of PROVENANCE.md (llama2.c test_all.py's expected stdout, {@code \n} escaped). */
    static String golden() throws IOException {
        try (InputStream in = LlamaModel.class.getResourceAsStream("/org/prune4j/models/stories260K/PROVENANCE.md")) {
            String md = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int marker = md.indexOf("Golden greedy output");
            int start = md.indexOf("\n  `", marker) + 4;
            int end = md.indexOf('`', start);
            return md.substring(start, end).replace("\\n", "\n");
        }
    }

    @Test
    void twoHundredGreedyPositionsFromBosGiveTheGoldenText() throws IOException {
        String want = golden();
        org.junit.jupiter.api.Assertions.assertTrue(want.startsWith("Once upon a time") && want.endsWith("so she"));
        TextStream text = new TextStream(tokenizer, null);
        Generation g = new Generator(model).generate(tokenizer.encode("", true, false), 200, Sampler.greedy(), text);
        text.finish();
        assertEquals(200, g.positions());
        assertEquals(want, text.text());
    }

    @Test
    void referencePromptsGiveRunCsStdout() throws IOException {
        JsonNode gens;
        try (InputStream in = getClass().getResourceAsStream("/reference/model/stories260K_generations.json")) {
            gens = new ObjectMapper().readTree(in).get("generations");
        }
        for (JsonNode g : gens) {
            int[] prompt = tokenizer.encode(g.get("prompt").asText(), true, false);
            int[] wantIds = new int[g.get("prompt_ids").size()];
            for (int i = 0; i < wantIds.length; i++) {
                wantIds[i] = g.get("prompt_ids").get(i).asInt();
            }
            assertArrayEquals(wantIds, prompt, g.get("prompt").asText());
            TextStream text = new TextStream(tokenizer, null);
            new Generator(model).generate(prompt, g.get("steps").asInt(), Sampler.greedy(), text);
            text.finish();
            assertEquals(g.get("runc_stdout").asText(), text.text() + "\n", g.get("prompt").asText());
        }
    }
}
