package org.prune4j.internal.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.cli.Main;
import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.generate.Generation;
import org.prune4j.internal.generate.Generator;
import org.prune4j.internal.generate.Sampler;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.ModelLocator;
import org.prune4j.internal.model.llama.LlamaCheckpoint;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.tokenizer.Tokenizer;
import org.prune4j.internal.tokenizer.Tokenizers;

/**
 * GGUF files written by {@code prune4j convert --to gguf} are loaded and run by the real llama.cpp (the build
 * inside java-llama.cpp 4.1.0), which must generate the same greedy tokens as prune4j and assign the same
 * perplexity to the pinned evaluation ids (F32 weights, F32 KV cache).
 */
class GgufLlamaCppTest {
    /** Positions of {@code prune4j generate --steps 200}: BOS plus 199 generated tokens. */
    private static final int STEPS = 200;
    /** Evaluation rows scored by both runtimes (of the 64 pinned rows of 256 tokens). */
    private static final int EVAL_ROWS = 16;

    @TempDir
    static Path dir;
    static LlamaCpp llama;
    static int[][] evalRows;

    @BeforeAll
    static void setUp() throws Exception {
        llama = LlamaCpp.in(dir);
        try (SafetensorsFile f = SafetensorsFile.open(BundledModels.protocol("stories260K"))) {
            int[] flat = f.get("eval_ids").toInts();
            int cols = Math.toIntExact(f.get("eval_ids").shape()[1]);
            evalRows = new int[EVAL_ROWS][];
            for (int r = 0; r < EVAL_ROWS; r++) {
                evalRows[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
            }
        }
    }

    @Test
    void stories260KExportedToGgufGeneratesTheSameGreedyTextInLlamaCpp() throws Exception {
        Path gguf = convert("stories260K", "dense.gguf", "f32");
        Expected e = prune4j("stories260K");
        int[] theirs = llama.greedy(gguf, e.generated.length);
        assertArrayEquals(e.generated, theirs, "llama.cpp's greedy tokens");
        assertEquals(e.text, e.tokenizer.decode(theirs));
        assertTrue(e.text.startsWith("Once upon a time, there was a little girl named Lily."), e.text);
        String prompt = "Lily saw a big red ball in the park.";
        assertArrayEquals(e.tokenizer.encode(prompt, true, false), llama.tokenize(gguf, prompt), "tokenization of the vocabulary");
        double ours = e.ppl, theirsPpl = llama.perplexity(gguf, evalRows);
        System.out.printf(Locale.ROOT, "stories260K dense: ppl prune4j %.5f, llama.cpp %.5f%n", ours, theirsPpl);
        assertEquals(ours, theirsPpl, ours * 0.005, "perplexity through llama.cpp");
    }

    @Test
    void wandaHalfSparseModelLoadsInLlamaCppWithTheSameTokensAndPerplexity() throws Exception {
        Path pruned = dir.resolve("wanda50.bin");
        // A small calibration set keeps the test quick; the check is runtime equivalence, not pruning quality.
        Path calib = dir.resolve("calib.txt");
        java.nio.file.Files.writeString(calib, (prune4j("stories260K").text + "\n").repeat(32));
        assertEquals(0, Main.run("prune", "--model", "stories260K", "--method", "wanda", "--sparsity", "0.5", "--calib", calib.toString(),
                "--nsamples", "16", "--seqlen", "128", "--max-eval-windows", "1", "--out", pruned.toString()));
        Path gguf = convert(pruned.toString(), "wanda50.gguf", "f32");
        Expected e = prune4j(pruned.toString());
        assertArrayEquals(e.generated, llama.greedy(gguf, e.generated.length), "llama.cpp's greedy tokens");
        double theirs = llama.perplexity(gguf, evalRows);
        System.out.printf(Locale.ROOT, "stories260K wanda 50%%: ppl prune4j %.5f, llama.cpp %.5f%n", e.ppl, theirs);
        assertEquals(e.ppl, theirs, e.ppl * 0.005, "perplexity through llama.cpp");
    }

    @Test
    void structurallyPrunedPerLayerModelsLoadAsDeciWithTheSameTokensAndPerplexity() throws Exception {
        // FLAP with adaptive widths (per-block heads and MLP widths, bias compensation), a block without its MLP,
        // and a block without its attention: all written as llama.cpp's deci architecture straight from prune
        String[][] cases = {
            {"flap", "--method", "flap", "--ratio", "0.3"},
            {"no-mlp", "--method", "block-influence", "--layers", "1", "--units", "mlp"},
            {"no-attention", "--method", "block-influence", "--layers", "1", "--units", "attention"},
        };
        for (String[] c : cases) {
            Path gguf = dir.resolve(c[0] + ".gguf");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("prune", "--model", "stories260K"));
            args.addAll(java.util.List.of(c).subList(1, c.length));
            args.addAll(java.util.List.of("--max-eval-windows", "1", "--out", gguf.toString()));
            assertEquals(0, Main.run(args.toArray(String[]::new)), c[0]);
            assertEquals("deci", GgufFile.open(gguf).value("general.architecture"), c[0]);
            Expected e = prune4j(gguf.toString());
            assertArrayEquals(e.generated, llama.greedy(gguf, e.generated.length), c[0] + ": llama.cpp's greedy tokens");
            double theirs = llama.perplexity(gguf, evalRows);
            System.out.printf(Locale.ROOT, "stories260K %s (deci): ppl prune4j %.5f, llama.cpp %.5f%n", c[0], e.ppl, theirs);
            assertEquals(e.ppl, theirs, e.ppl * 0.005, c[0] + ": perplexity through llama.cpp");
        }
    }

    @Test
    void q8AndF16FilesLoadAndStayCloseInPerplexity() throws Exception {
        Expected e = prune4j("stories260K");
        for (String dtype : new String[] {"f16", "q8_0"}) {
            Path gguf = convert("stories260K", "dense-" + dtype + ".gguf", dtype);
            double theirs = llama.perplexity(gguf, evalRows);
            System.out.printf(Locale.ROOT, "stories260K %s: ppl llama.cpp %.5f (prune4j f32 %.5f)%n", dtype, theirs, e.ppl);
            assertEquals(e.ppl, theirs, e.ppl * 0.03, dtype + " perplexity through llama.cpp");
        }
    }

    private static Path convert(String model, String name, String dtype) {
        Path out = dir.resolve(name);
        assertEquals(0, Main.run("convert", "--model", model, "--to", "gguf", "--dtype", dtype, "--out", out.toString()));
        return out;
    }

    private record Expected(int[] generated, String text, double ppl, Tokenizer tokenizer) {}

    private static Expected prune4j(String model) {
        LlamaCheckpoint ckpt = ModelLocator.loadLlama(model, null);
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaModel lm = LlamaModel.load(ckpt, m);
            Tokenizer tok = Tokenizers.load(ckpt.tokenizer(), ckpt.config().vocabSize());
            Generation g = new Generator(lm).generate(new int[] {tok.bosId()}, STEPS, Sampler.of(0f, 0f, 1), (a, b) -> {});
            double ppl = new Perplexity(lm).evaluate(evalRows).ppl();
            return new Expected(g.generated(), tok.decode(g.generated()), ppl, tok);
        }
    }
}
