package org.prune4j.api;

import java.nio.file.Path;
import org.prune4j.UserError;

/**
 * A complete description of a pruning run: the model, the calibration data, the method and all its
 * settings, the allocation, the recovery, the evaluation and the output. {@link Prune4j#run(Recipe)} runs
 * it; {@link RecipeFormat} reads and writes it as YAML (the sections and keys are those of the
 * components, see {@code docs/recipes.md}); every report embeds the recipe it ran, and running that recipe
 * again gives the same output, bit for bit.
 *
 * <p>Missing sections take their defaults: calibration and evaluation from the bundled model's protocol,
 * uniform allocation, no recovery, no output.
 *
 * @param model the model read
 * @param calibration the calibration data
 * @param method the pruning method and its settings
 * @param allocation how the sparsity is spread over the matrices
 * @param recovery recovery fine-tuning after pruning ({@code none} by default); with method {@code none} the
 *     recipe only recovers its model
 * @param evaluation the perplexity measured before and after
 * @param output where the pruned model and its report go
 */
public record Recipe(ModelSettings model, CalibrationSettings calibration, MethodSettings method,
        AllocationSettings allocation, RecoverySettings recovery, EvaluationSettings evaluation, OutputSettings output)
        implements RecipeJob {

    /** Fills in the defaults of missing sections and checks that the settings fit together. */
    public Recipe {
        if (model == null) {
            throw new UserError("model: missing; name the model with model.path");
        }
        if (method == null) {
            throw new UserError("method: missing; give method.name and method.sparsity");
        }
        calibration = calibration == null ? CalibrationSettings.protocol() : calibration;
        allocation = allocation == null ? AllocationSettings.uniform() : allocation;
        recovery = RecoverySettings.checked(recovery == null ? RecoverySettings.none() : recovery);
        evaluation = evaluation == null ? EvaluationSettings.protocol() : evaluation;
        output = output == null ? OutputSettings.none() : output;
        JobSettings.check(method, allocation, calibration);
        if (!method.prunes() && !recovery.recovers()) {
            throw new UserError("method.name none and recovery.method none: nothing to run");
        }
    }

    /** The recipe that prunes {@code model} with {@code prune}, evaluates with {@code evaluation} and saves to {@code output}. */
    public static Recipe of(ModelSettings model, PruneSettings prune, EvaluationSettings evaluation, OutputSettings output) {
        return new Recipe(model, prune.calibration(), prune.method(), prune.allocation(), RecoverySettings.none(), evaluation,
                output);
    }

    /** {@code prune}: the job of a recipe without a {@code job} key (pruning, recovery or both). */
    @Override
    public String job() {
        return "prune";
    }

    /** The pruning part of this recipe: method, allocation and calibration. */
    public PruneSettings prune() {
        return new PruneSettings(method, allocation, calibration);
    }

    /** This recipe writing its output to {@code path} instead. */
    public Recipe withOutput(Path path) {
        return new Recipe(model, calibration, method, allocation, recovery, evaluation, OutputSettings.to(path));
    }

    /** A builder: {@link Builder#model} is required, and {@link Builder#prune} or {@link Builder#recovery} or both. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Recipe} step by step. */
    public static final class Builder {
        private ModelSettings model;
        private PruneSettings prune;
        private EvaluationSettings evaluation = EvaluationSettings.protocol();
        private OutputSettings output = OutputSettings.none();
        private RecoverySettings recovery = RecoverySettings.none();

        private Builder() {}

        /** Recovery fine-tuning after pruning (or of the model itself, when no pruning is given). */
        public Builder recovery(RecoverySettings recovery) {
            this.recovery = recovery;
            return this;
        }

        /** The model: a bundled name, a llama2.c file or a Hugging Face directory. */
        public Builder model(String path) {
            this.model = ModelSettings.of(path);
            return this;
        }

        /** The model with its settings. */
        public Builder model(ModelSettings model) {
            this.model = model;
            return this;
        }

        /** Method, allocation and calibration. */
        public Builder prune(PruneSettings prune) {
            this.prune = prune;
            return this;
        }

        /** The evaluation before and after pruning. */
        public Builder evaluation(EvaluationSettings evaluation) {
            this.evaluation = evaluation;
            return this;
        }

        /** Where the pruned model goes. */
        public Builder output(Path path) {
            this.output = OutputSettings.to(path);
            return this;
        }

        /**
         * The recipe.
         *
         * @throws UserError naming the setting when one is missing or the settings do not fit together
         */
        public Recipe build() {
            if (prune == null && !recovery.recovers()) {
                throw new UserError("method: missing; give the pruning settings (or a recovery)");
            }
            if (prune == null) {
                return new Recipe(model, null, MethodSettings.none(), null, recovery, evaluation, output);
            }
            return new Recipe(model, prune.calibration(), prune.method(), prune.allocation(), recovery, evaluation, output);
        }
    }
}
