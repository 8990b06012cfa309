package org.prune4j.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.prune4j.UserError;

/**
 * Recovery fine-tuning after pruning (recipe section {@code recovery}), run by the same code as
 * {@code prune4j recover}. Settings that do not apply to the method are {@code null} (adapter settings for
 * methods without adapters, distillation settings for methods other than {@code distill}); for the method
 * they apply to, a missing value takes its default. Build one with {@link #builder(String)}:
 * <pre>{@code
 * RecoverySettings r = RecoverySettings.builder("masked-lora").trainIds("train.safetensors:ids").steps(200).build();
 * }</pre>
 *
 * @param method {@code none} (default), {@code lora}, {@code masked-lora}, {@code scale-lora},
 *     {@code norms-biases}, {@code full} or {@code distill} (recipe key {@code recovery.method})
 * @param student what distill trains ({@code masked-lora} by default; distill only; key {@code student})
 * @param targets the Linears that get adapters, of {@code q,k,v,o,gate,up,down} (all by default; adapter
 *     methods only; key {@code targets}, a comma-separated string)
 * @param rank adapter rank (8; adapter methods only; key {@code rank})
 * @param alpha adapter scale numerator, scale = alpha/rank (16; adapter methods only; key {@code alpha})
 * @param dropout dropout on the adapters' input (0.05; adapter methods only; key {@code dropout})
 * @param teacher the dense model: its perplexity is reported, and distill learns from it (default: the
 *     recipe's model when it prunes; key {@code teacher})
 * @param temperature distillation temperature (2; distill only; key {@code temperature})
 * @param hiddenMse weight of the per-block hidden-state MSE (0; distill only; key {@code hidden_mse})
 * @param trainText training text, cut into windows of {@code seqlen} tokens (key {@code train_text})
 * @param trainIds training ids {@code FILE.safetensors[:TENSOR]}, one window per row (key {@code train_ids})
 * @param seqlen training window length for the text (0: min(256, context); key {@code seqlen})
 * @param steps optimiser steps (key {@code steps}); 0 to train for {@code epochs}
 * @param epochs passes over the training windows when {@code steps} is 0 (key {@code epochs})
 * @param batch windows per micro-batch (8; key {@code batch})
 * @param accumulate micro-batches per optimiser step (1; key {@code accumulate})
 * @param lr peak AdamW learning rate (1e-3; key {@code lr})
 * @param warmup warm-up steps before the cosine decay (0; key {@code warmup})
 * @param minLrFactor the final learning rate as a fraction of the peak (0.1; key {@code min_lr_factor})
 * @param weightDecay AdamW decoupled weight decay (0; key {@code weight_decay})
 * @param clip global gradient-norm clip, 0: none (1; key {@code clip})
 * @param seed seed of window order, split, adapter init, dropout (0; key {@code seed})
 * @param valFraction share of the training windows held out for validation (0.05; key {@code val_fraction})
 * @param evalEvery steps between validations, 0: only at the end (0; key {@code eval_every})
 * @param patience stop after this many validations without improvement, 0: never (0; key {@code patience})
 * @param keepAdapters write the trained adapters beside the unmerged model ({@code OUT.adapters.safetensors},
 *     {@code adapters.safetensors} in a directory) instead of merging them (false; adapter methods only;
 *     key {@code keep_adapters}, true/false)
 * @param checkpoint the training-state file saved at every validation; a run that finds it resumes from it,
 *     so a replay resumes from (or, when finished, reuses) the state an earlier run left (null: none; key
 *     {@code checkpoint})
 * @param trackPpl evaluate the perplexity at every validation, the report's {@code perplexity_curve} (false;
 *     needs evaluation data; key {@code track_ppl}, true/false)
 */
public record RecoverySettings(String method, String student, List<String> targets, Integer rank, Double alpha, Double dropout,
        String teacher, Double temperature, Double hiddenMse, String trainText, String trainIds, int seqlen, long steps,
        int epochs, int batch, int accumulate, double lr, long warmup, double minLrFactor, double weightDecay, double clip,
        long seed, double valFraction, long evalEvery, int patience, boolean keepAdapters, String checkpoint,
        boolean trackPpl) {
    /** The recovery methods, {@code none} first. */
    public static final List<String> METHODS = List.of("none", "lora", "masked-lora", "scale-lora", "norms-biases", "full",
            "distill");

    /** Checks the method; fills in the defaults of the settings that apply to it; rejects the others. */
    public RecoverySettings {
        if (method == null) {
            throw new UserError("recovery.method: missing (" + String.join(", ", METHODS) + ")");
        }
        method = method.strip().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new UserError("recovery.method " + method + ": unknown (" + String.join(", ", METHODS) + ")");
        }
        boolean distill = method.equals("distill");
        student = distill ? (student == null ? "masked-lora" : student.strip().toLowerCase(Locale.ROOT))
                : notApplicable("student", student, method);
        String trained = distill ? student : method;
        boolean adapters = List.of("lora", "masked-lora", "scale-lora").contains(trained);
        targets = adapters ? List.copyOf(targets == null ? Defaults.TARGETS : targets) : notApplicable("targets", targets, method);
        rank = adapters ? (rank == null ? Defaults.RANK : rank) : notApplicable("rank", rank, method);
        alpha = adapters ? (alpha == null ? Defaults.ALPHA : alpha) : notApplicable("alpha", alpha, method);
        dropout = adapters ? (dropout == null ? Defaults.DROPOUT : dropout) : notApplicable("dropout", dropout, method);
        temperature = distill ? (temperature == null ? Defaults.TEMPERATURE : temperature)
                : notApplicable("temperature", temperature, method);
        hiddenMse = distill ? (hiddenMse == null ? 0.0 : hiddenMse) : notApplicable("hidden_mse", hiddenMse, method);
        if (keepAdapters && !adapters) {
            throw new UserError("recovery.keep_adapters: recovery.method " + method
                    + (distill ? " with student " + student : "") + " trains no adapters");
        }
        if (checkpoint != null && checkpoint.isBlank()) {
            throw new UserError("recovery.checkpoint: empty; give a file path or leave the key out");
        }
        if (method.equals("none")) {
            notApplicable("checkpoint", checkpoint, method);
            notApplicable("track_ppl", trackPpl ? Boolean.TRUE : null, method);
            notApplicable("teacher", teacher, method);
            notApplicable("train_text", trainText, method);
            notApplicable("train_ids", trainIds, method);
        } else {
            if ((trainText == null) == (trainIds == null)) {
                throw new UserError("recovery: give train_text or train_ids (one of them)");
            }
        }
    }

    private static <T> T notApplicable(String key, T value, String method) {
        if (value != null) {
            throw new UserError("recovery." + key + ": recovery.method " + method + " does not take this setting");
        }
        return null;
    }

    /** {@code r}, after the recovery job's own checks (steps, rank, learning rate, ...), which name the recipe keys. */
    static RecoverySettings checked(RecoverySettings r) {
        if (r.recovers()) {
            RecoveryStage.settings(r);
        }
        return r;
    }

    /** No recovery: the pruned model is evaluated and saved as pruning left it. */
    public static RecoverySettings none() {
        return builder("none").build();
    }

    /** True unless the method is {@code none}. */
    public boolean recovers() {
        return !method.equals("none");
    }

    /** A builder for {@code method} with the defaults; give the training data ({@link Builder#trainText} or {@link Builder#trainIds}). */
    public static Builder builder(String method) {
        return new Builder(method);
    }

    /** The defaults of the settings, shared by the builder and the recipe reader. */
    static final class Defaults {
        static final List<String> TARGETS = List.of("q", "k", "v", "o", "gate", "up", "down");
        static final int RANK = 8;
        static final double ALPHA = 16;
        static final double DROPOUT = 0.05;
        static final double TEMPERATURE = 2;
        static final int BATCH = 8;
        static final int ACCUMULATE = 1;
        static final double LR = 1e-3;
        static final double MIN_LR_FACTOR = 0.1;
        static final double CLIP = 1.0;
        static final double VAL_FRACTION = 0.05;

        private Defaults() {}
    }

    /** Builds {@link RecoverySettings} step by step. */
    public static final class Builder {
        private final String method;
        private String student;
        private List<String> targets;
        private Integer rank;
        private Double alpha;
        private Double dropout;
        private String teacher;
        private Double temperature;
        private Double hiddenMse;
        private String trainText;
        private String trainIds;
        private int seqlen;
        private long steps;
        private int epochs;
        private int batch = Defaults.BATCH;
        private int accumulate = Defaults.ACCUMULATE;
        private double lr = Defaults.LR;
        private long warmup;
        private double minLrFactor = Defaults.MIN_LR_FACTOR;
        private double weightDecay;
        private double clip = Defaults.CLIP;
        private long seed;
        private double valFraction = Defaults.VAL_FRACTION;
        private long evalEvery;
        private int patience;
        private boolean keepAdapters;
        private String checkpoint;
        private boolean trackPpl;

        private Builder(String method) {
            this.method = method;
        }

        /** distill: what the student trains ({@code masked-lora} by default). */
        public Builder student(String student) {
            this.student = student;
            return this;
        }

        /** Adapter targets of {@code q,k,v,o,gate,up,down}. */
        public Builder targets(String... targets) {
            this.targets = Arrays.asList(targets);
            return this;
        }

        /** Adapter rank, scale numerator and input dropout. */
        public Builder adapters(int rank, double alpha, double dropout) {
            this.rank = rank;
            this.alpha = alpha;
            this.dropout = dropout;
            return this;
        }

        /** The dense model (a bundled name, a file or a directory). */
        public Builder teacher(String teacher) {
            this.teacher = teacher;
            return this;
        }

        /** distill: temperature and hidden-state MSE weight. */
        public Builder distillation(double temperature, double hiddenMse) {
            this.temperature = temperature;
            this.hiddenMse = hiddenMse;
            return this;
        }

        /** Training text. */
        public Builder trainText(String path) {
            this.trainText = path;
            return this;
        }

        /** Training ids {@code FILE.safetensors[:TENSOR]}. */
        public Builder trainIds(String spec) {
            this.trainIds = spec;
            return this;
        }

        /** Training window length for the text. */
        public Builder seqlen(int seqlen) {
            this.seqlen = seqlen;
            return this;
        }

        /** Optimiser steps. */
        public Builder steps(long steps) {
            this.steps = steps;
            return this;
        }

        /** Epochs (when no steps are given). */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Windows per micro-batch and micro-batches per step. */
        public Builder batch(int batch, int accumulate) {
            this.batch = batch;
            this.accumulate = accumulate;
            return this;
        }

        /** Peak learning rate, warm-up steps and final fraction of the peak. */
        public Builder schedule(double lr, long warmup, double minLrFactor) {
            this.lr = lr;
            this.warmup = warmup;
            this.minLrFactor = minLrFactor;
            return this;
        }

        /** Weight decay and gradient-norm clip. */
        public Builder regularisation(double weightDecay, double clip) {
            this.weightDecay = weightDecay;
            this.clip = clip;
            return this;
        }

        /** The seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Validation share, steps between validations, patience of early stopping. */
        public Builder validation(double fraction, long every, int patience) {
            this.valFraction = fraction;
            this.evalEvery = every;
            this.patience = patience;
            return this;
        }

        /** Adapter methods: write the adapters beside the unmerged model instead of merging them. */
        public Builder keepAdapters(boolean keep) {
            this.keepAdapters = keep;
            return this;
        }

        /** The training-state file saved at every validation and resumed from when it exists (null: none). */
        public Builder checkpoint(String path) {
            this.checkpoint = path;
            return this;
        }

        /** Evaluate the perplexity at every validation (the report's {@code perplexity_curve}). */
        public Builder trackPpl(boolean track) {
            this.trackPpl = track;
            return this;
        }

        /**
         * The settings.
         *
         * @throws UserError naming the setting when one is missing, out of range or does not apply to the method
         */
        public RecoverySettings build() {
            return checked(new RecoverySettings(method, student, targets, rank, alpha, dropout, teacher, temperature, hiddenMse,
                    trainText, trainIds, seqlen, steps, epochs, batch, accumulate, lr, warmup, minLrFactor, weightDecay, clip,
                    seed, valFraction, evalEvery, patience, keepAdapters, checkpoint, trackPpl));
        }
    }
}
