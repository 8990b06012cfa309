package org.prune4j.api;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.eval.Perplexity;
import org.prune4j.model.ModelLocator;
import org.prune4j.model.llama.BlockSource;
import org.prune4j.model.llama.CheckpointFormat;
import org.prune4j.model.llama.LlamaCheckpoint;
import org.prune4j.model.llama.LlamaModel;

/**
 * A Llama-family language model opened with {@link Prune4j#load}: a llama2.c checkpoint or a Hugging Face
 * directory, memory-mapped, never materialised whole. Evaluation and pruning stream its decoder blocks
 * one at a time, so a model larger than memory can be used.
 *
 * <p>Close it when done: a model produced by {@link #prune} owns scratch files that close deletes.
 */
public final class LanguageModel implements AutoCloseable {
    private final ModelSettings settings;
    private final LlamaCheckpoint checkpoint;
    private final Path ownedScratch;
    private final String protocol;

    /**
     * Opens {@code settings}' model; {@code ownedScratch} (or null) is deleted on close; {@code protocol} names
     * the bundled model whose pinned evaluation ids the default evaluation uses (or null).
     */
    LanguageModel(ModelSettings settings, Path ownedScratch, String protocol) {
        this.settings = settings;
        this.ownedScratch = ownedScratch;
        this.protocol = protocol;
        this.checkpoint = ModelLocator.loadLlama(settings.path(), settings.tokenizerPath());
    }

    /** The model as it was named (bundled name or path) and its tokenizer override. */
    public ModelSettings settings() {
        return settings;
    }

    /** Number of decoder blocks. */
    public int layers() {
        return checkpoint.config().numLayers();
    }

    /** Context length in tokens. */
    public int contextLength() {
        return checkpoint.config().maxPositions();
    }

    /** Vocabulary size. */
    public int vocabularySize() {
        return checkpoint.config().vocabSize();
    }

    /**
     * Perplexity on the rows {@code evaluation} names (with neither text nor ids, the pinned protocol of a
     * bundled model, or of the bundled model this one was pruned from).
     *
     * @throws UserError when the data is missing or does not fit the model
     */
    public PerplexityResult evaluate(EvaluationSettings evaluation) {
        int[][] rows = EvaluationRows.of(evaluation, protocol, checkpoint);
        try (NDManager weights = NDManager.newBaseManager()) {
            LlamaModel shell = LlamaModel.loadShell(checkpoint, weights);
            Perplexity.Result r = new Perplexity(shell).evaluate(rows, BlockSource.readOnly(checkpoint));
            return new PerplexityResult(r.ppl(), r.rows(), r.seqLen(), r.tokens(), r.seconds());
        }
    }

    /**
     * Prunes a copy of this model (this one is not changed) and returns it, held in a scratch folder under
     * {@code java.io.tmpdir} until the returned model is closed. Progress goes to standard error. Nothing
     * is evaluated: call {@link #evaluate} and {@link PrunedModel#evaluate}.
     *
     * @throws UserError when a setting does not fit the model or the calibration data is missing or bad
     */
    public PrunedModel prune(PruneSettings prune) {
        return prune(prune, System.err);
    }

    /** As {@link #prune(PruneSettings)}, with progress lines going to {@code progress}. */
    public PrunedModel prune(PruneSettings prune, PrintStream progress) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("prune4j-pruned-");
        } catch (IOException e) {
            throw new UserError(System.getProperty("java.io.tmpdir") + ": cannot create a scratch folder: " + e.getMessage());
        }
        try {
            Path out = scratch.resolve(checkpoint.format() == CheckpointFormat.LLAMA2C ? "model.bin" : "model");
            Recipe recipe = Recipe.of(settings, prune, EvaluationSettings.none(), OutputSettings.to(out));
            PruneResult result = Prune4j.runJob(recipe, progress);
            LanguageModel pruned = new LanguageModel(new ModelSettings(out.toString(), settings.tokenizer()), scratch, protocol);
            return new PrunedModel(pruned, result, checkpoint.source());
        } catch (RuntimeException e) {
            Scratch.delete(scratch);
            throw e;
        }
    }

    LlamaCheckpoint checkpoint() {
        return checkpoint;
    }

    /** Deletes the scratch files this model owns (a pruned model's); nothing for a loaded one. */
    @Override
    public void close() {
        if (ownedScratch != null) {
            Scratch.delete(ownedScratch);
        }
    }
}
