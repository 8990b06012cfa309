package org.prune4j.internal.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.api.Prune4j;
import org.prune4j.api.Recipe;
import org.prune4j.api.RecipeFormat;
import org.prune4j.api.RecoveryResult;
import org.prune4j.internal.prune.recovery.RecoveryJob;
import org.prune4j.api.report.RecoveryReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prune4j recover}: fine-tuning after pruning (LoRA, mask-preserving LoRA, norms/biases, full, distillation). */
@Command(name = "recover", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tunes a pruned Llama-family model to recover quality, then writes it in the input's format "
                + "with a JSON report beside it (FILE.report.json, or recover_report.json in an HF directory).",
            "masked-lora, scale-lora, norms-biases and full keep every pruned weight exactly zero; lora fills them in "
                + "when merged; distill trains --student against the dense --teacher's next-token distribution."})
final class RecoverCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The pruned model: bundled name, llama2.c file or Hugging Face directory.")
    String model;

    @Option(names = "--teacher", description = "The dense model (required by distill; its perplexity is reported when given).")
    String teacher;

    @Option(names = "--tokenizer", description = "Tokenizer file (default: found beside the model).")
    Path tokenizer;

    @Option(names = "--method", required = true, description = "lora, masked-lora, scale-lora, norms-biases, full or distill.")
    String method;

    @Option(names = "--student", defaultValue = "masked-lora", description = "What distill trains. Default: ${DEFAULT-VALUE}.")
    String student;

    @Option(names = "--targets", defaultValue = "q,k,v,o,gate,up,down", description = "Linears that get adapters. Default: ${DEFAULT-VALUE}.")
    String targets;

    @Option(names = "--rank", defaultValue = "8", description = "Adapter rank. Default: ${DEFAULT-VALUE}.")
    int rank;

    @Option(names = "--alpha", defaultValue = "16", description = "Adapter scale numerator (scale = alpha/rank). Default: ${DEFAULT-VALUE}.")
    float alpha;

    @Option(names = "--dropout", defaultValue = "0.05", description = "Dropout on the adapters' input. Default: ${DEFAULT-VALUE}.")
    float dropout;

    @Option(names = "--keep-adapters", description = "Write the adapters beside the unmerged model (OUT.adapters.safetensors) instead of merging.")
    boolean keepAdapters;

    @Option(names = "--temperature", defaultValue = "2", description = "Distillation temperature. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--hidden-mse", defaultValue = "0", description = "Distillation: weight of the per-block hidden-state MSE. Default: ${DEFAULT-VALUE}.")
    double hiddenMse;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Training training;

    static final class Training {
        @Option(names = "--train", required = true, description = "Training text: tokenized once (BOS first), cut into windows of --seqlen tokens.")
        Path text;

        @Option(names = "--train-ids", required = true, description = "Training ids FILE.safetensors[:TENSOR] [rows, seqlen], one window per row.")
        String ids;
    }

    @Option(names = "--seqlen", defaultValue = "0", description = "Training window length for --train (default: min(256, context)).")
    int seqLen;

    @Option(names = "--steps", defaultValue = "0", description = "Optimiser steps (or --epochs).")
    long steps;

    @Option(names = "--epochs", defaultValue = "0", description = "Passes over the training windows when --steps is not given.")
    int epochs;

    @Option(names = "--batch", defaultValue = "8", description = "Windows per micro-batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--accumulate", defaultValue = "1", description = "Micro-batches per optimiser step. Default: ${DEFAULT-VALUE}.")
    int accumulate;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (AdamW). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup", defaultValue = "0", description = "Warm-up steps before the cosine decay. Default: ${DEFAULT-VALUE}.")
    long warmup;

    @Option(names = "--min-lr-factor", defaultValue = "0.1", description = "Final learning rate as a fraction of the peak. Default: ${DEFAULT-VALUE}.")
    double minLrFactor;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW decoupled weight decay. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip (0: none). Default: ${DEFAULT-VALUE}.")
    double clip;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (window order, split, adapter init, dropout). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.05", description = "Share of the training windows held out for validation. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--eval-every", defaultValue = "0", description = "Steps between validations (0: only at the end).")
    long evalEvery;

    @Option(names = "--patience", defaultValue = "0", description = "Stop after this many validations without improvement (0: never).")
    int patience;

    @Option(names = "--checkpoint", description = "Training state saved at every validation; a run finding it resumes from it "
            + "(also a run of the printed recipe: recovery.checkpoint).")
    Path checkpoint;

    @Option(names = "--track-ppl", description = "Evaluate the perplexity at every validation (the report's perplexity_curve; "
            + "needs --eval, --eval-ids or a bundled model).")
    boolean trackPpl;

    @ArgGroup(exclusive = true)
    Evaluation evaluation;

    static final class Evaluation {
        @Option(names = "--eval", description = "Evaluation text: non-overlapping windows of --eval-seqlen tokens.")
        Path text;

        @Option(names = "--eval-ids", description = "Evaluation ids FILE.safetensors[:TENSOR] [rows, seqlen].")
        String ids;
    }

    @Option(names = "--eval-seqlen", defaultValue = "0", description = "Evaluation window length for --eval (default: the model's context).")
    int evalSeqLen;

    @Option(names = "--max-eval-windows", defaultValue = "0", description = "Evaluate at most this many windows (default: all).")
    int maxEvalWindows;

    @Option(names = "--out", required = true, description = "Output: a llama2.c file or a Hugging Face directory (the input's format).")
    Path out;

    @Option(names = "--json", description = "Print the report as one JSON object on standard output.")
    boolean json;

    @Option(names = "--print-recipe", description = "Print the recipe of this run as YAML (for prune4j run: model = this model, "
            + "method none, the recovery section) and exit without running.")
    boolean printRecipe;

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
        Recipe recipe = RecoverFlagsRecipe.of(this);
        if (printRecipe) {
            stdout.print(RecipeFormat.toYaml(recipe));
            return 0;
        }
        RecoveryResult result = Prune4j.recover(recipe, System.err);
        if (json) {
            stdout.println(result.toJson(false));
        } else {
            print(result.report(), stdout);
            stdout.println("wrote " + out + " and " + RecoveryJob.reportPath(out));
        }
        return 0;
    }

    /** The report in words. */
    static void print(RecoveryReport r, PrintStream stdout) {
        stdout.printf(Locale.ROOT, "recovered %s with %s: %d steps, %d tokens, %d trainable parameters, %.1f s%n",
                    r.model(), r.method(), r.steps(), r.tokensSeen(), r.trainableParameters(), r.seconds());
            if (r.prunedPpl() != null) {
                stdout.printf(Locale.ROOT, "perplexity %.4f -> %.4f%s%n", r.prunedPpl(), r.recoveredPpl(),
                        r.teacherPpl() == null ? "" : String.format(Locale.ROOT, " (dense %.4f)", r.teacherPpl()));
            }
            stdout.printf(Locale.ROOT, "sparsity %.6f -> %.6f (%d -> %d zeros)%n", r.sparsityBefore(), r.sparsityAfter(),
                    r.zerosBefore(), r.zerosAfter());
    }
}
