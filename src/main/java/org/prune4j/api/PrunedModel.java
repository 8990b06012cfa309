package org.prune4j.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.prune4j.UserError;
import org.prune4j.io.AtomicOutput;
import org.prune4j.model.llama.CheckpointFormat;
import org.prune4j.prune.llm.LlmPruneJob;

/**
 * A model pruned by {@link LanguageModel#prune}: evaluate it, save it, read what pruning did
 * ({@link #result()}). It lives in a scratch folder until {@link #close()}.
 */
public final class PrunedModel implements AutoCloseable {
    private final LanguageModel model;
    private final PruneResult result;
    private final Path input;

    PrunedModel(LanguageModel model, PruneResult result, Path input) {
        this.model = model;
        this.result = result;
        this.input = input;
    }

    /** What pruning did: the recipe, per-matrix sparsity, times. */
    public PruneResult result() {
        return result;
    }

    /** The achieved sparsity over all pruned matrices. */
    public double sparsity() {
        return result.sparsity();
    }

    /** The pruned model, to evaluate or inspect like any loaded model. */
    public LanguageModel model() {
        return model;
    }

    /** Perplexity of the pruned model (see {@link LanguageModel#evaluate}). */
    public PerplexityResult evaluate(EvaluationSettings evaluation) {
        return model.evaluate(evaluation);
    }

    /**
     * Writes the pruned model to {@code path} in the input's format (a llama2.c file with its tokenizer
     * beside it, or a Hugging Face directory in the input's storage dtype), atomically, with its JSON report
     * beside it ({@code FILE.report.json}, or {@code prune4j_report.json} in a directory) whose recipe
     * writes the same bytes to {@code path} when run.
     *
     * @return the path written
     * @throws UserError when {@code path} is the input model or does not suit the format
     */
    public Path save(Path path) {
        Path target = path.toAbsolutePath().normalize();
        Path in = input.toAbsolutePath().normalize();
        if (target.equals(in) || (Files.isDirectory(in) && target.startsWith(in))) {
            throw new UserError(path + ": is the input model; save the pruned model somewhere else");
        }
        Path source = model.checkpoint().source();
        if (model.checkpoint().format() == CheckpointFormat.LLAMA2C) {
            if (Files.isDirectory(target)) {
                throw new UserError(path + ": is a directory; a llama2.c model is saved to a file");
            }
            AtomicOutput.writeFile(target, out -> Files.copy(source, out));
            Path tokenizer = model.checkpoint().tokenizer();
            if (tokenizer != null) {
                Path beside = target.resolveSibling(tokenizer.getFileName());
                if (!Files.exists(beside)) {
                    AtomicOutput.writeFile(beside, out -> Files.copy(tokenizer, out));
                }
            }
        } else {
            AtomicOutput.writeDirectory(target, dir -> copyModelFiles(source, dir));
        }
        AtomicOutput.writeString(LlmPruneJob.reportPath(target), result.savedAt(target).toJson(true) + "\n");
        return target;
    }

    private static void copyModelFiles(Path from, Path to) throws IOException {
        String report = LlmPruneJob.reportPath(from).getFileName().toString();
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals(report)) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        }
    }

    /** Deletes the scratch folder holding the pruned model. */
    @Override
    public void close() {
        model.close();
    }
}
