package org.prune4j.api;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one-shot pruning does to a model: the method, how its sparsity is allocated, and the calibration
 * data it reads. Build one with {@link #builder()}:
 * <pre>{@code
 * PruneSettings s = PruneSettings.builder().method("sparsegpt").sparsity("2:4").build();
 * }</pre>
 *
 * @param method the method and its settings
 * @param allocation how the sparsity is spread over the matrices
 * @param calibration the calibration data (ignored by data-free methods such as magnitude)
 */
public record PruneSettings(MethodSettings method, AllocationSettings allocation, CalibrationSettings calibration) {
    /** Fills in defaults for a missing allocation (uniform) or calibration (the bundled protocol) and checks the combination. */
    public PruneSettings {
        if (method == null) {
            throw new org.prune4j.UserError("method: missing; name the method and its sparsity");
        }
        allocation = allocation == null ? AllocationSettings.uniform() : allocation;
        calibration = calibration == null ? CalibrationSettings.protocol() : calibration;
        JobSettings.check(method, allocation, calibration);
    }

    /** A builder with the defaults: uniform allocation, the bundled model's calibration protocol. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link PruneSettings} step by step; {@link #method} and {@link #sparsity} are required. */
    public static final class Builder {
        private String method;
        private String sparsity;
        private final Map<String, Object> methodSettings = new LinkedHashMap<>();
        private String allocation = "uniform";
        private Double owlM;
        private Double owlLambda;
        private Double minDensity;
        private CalibrationSettings calibration = CalibrationSettings.protocol();

        private Builder() {}

        /** The method: {@code magnitude}, {@code wanda} or {@code sparsegpt}. */
        public Builder method(String name) {
            this.method = name;
            return this;
        }

        /** The sparsity: a fraction such as {@code "0.5"} or {@code N:M} such as {@code "2:4"}. */
        public Builder sparsity(String sparsity) {
            this.sparsity = sparsity;
            return this;
        }

        /** An unstructured sparsity in [0, 1). */
        public Builder sparsity(double fraction) {
            this.sparsity = String.format(Locale.ROOT, "%s", fraction);
            return this;
        }

        /**
         * One of the method's own settings, e.g. sparsegpt's {@code blocksize} (an integer), {@code percdamp}
         * (a number) or {@code precision} ({@code float32}/{@code float64}); see {@link MethodSettings}.
         */
        public Builder setting(String name, Object value) {
            this.methodSettings.put(name, value);
            return this;
        }

        /** The allocation: {@code uniform}, {@code global} or {@code owl}. */
        public Builder allocation(String name) {
            this.allocation = name;
            return this;
        }

        /** OWL's outlier threshold M (owl only). */
        public Builder owlM(double m) {
            this.owlM = m;
            return this;
        }

        /** OWL's λ (owl only). */
        public Builder owlLambda(double lambda) {
            this.owlLambda = lambda;
            return this;
        }

        /** The global allocation's minimum density per matrix (global only). */
        public Builder minDensity(double minDensity) {
            this.minDensity = minDensity;
            return this;
        }

        /** The calibration data. */
        public Builder calibration(CalibrationSettings calibration) {
            this.calibration = calibration;
            return this;
        }

        /**
         * The settings.
         *
         * @throws org.prune4j.UserError naming the setting when one is missing, out of range, or does not
         *     belong to the chosen method or allocation
         */
        public PruneSettings build() {
            return new PruneSettings(new MethodSettings(method, sparsity, methodSettings),
                    new AllocationSettings(allocation, owlM, owlLambda, minDensity), calibration);
        }
    }
}
