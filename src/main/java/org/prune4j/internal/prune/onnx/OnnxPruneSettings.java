package org.prune4j.internal.prune.onnx;

import java.nio.file.Path;
import java.util.Map;
import org.prune4j.UserError;

/**
 * Settings of an ONNX pruning run.
 *
 * @param method   how units are scored
 * @param target   what to remove
 * @param scope    local (same fraction per group) or global (one ranking)
 * @param roundTo  kept channels per group a multiple of this (1: no rounding)
 * @param calib    calibration inputs (required for {@link ImportanceMethod#ACTIVATION}), or {@code null}
 * @param tokenizer tokenizer.json for a text calibration file, or {@code null}
 * @param maxCalib at most this many calibration samples
 * @param seed     seed of random scores
 * @param dims     sizes of named dynamic axes ({@code dim_param}) for the shape probe and the MAC counts;
 *                 others are 1 (first axis) or {@link ShapeProbe#DYNAMIC_DIM}
 * @param groupScore how {@code l1}/{@code l2} combine a group's tensors
 */
public record OnnxPruneSettings(ImportanceMethod method, PruneTarget target, PruneScope scope, int roundTo, Path calib,
        Path tokenizer, int maxCalib, long seed, Map<String, Long> dims, GroupScore groupScore) {
    /** Settings with the default {@link GroupScore#NORMALISED} group score. */
    public OnnxPruneSettings(ImportanceMethod method, PruneTarget target, PruneScope scope, int roundTo, Path calib,
            Path tokenizer, int maxCalib, long seed, Map<String, Long> dims) {
        this(method, target, scope, roundTo, calib, tokenizer, maxCalib, seed, dims, GroupScore.NORMALISED);
    }

    /** Settings with every dynamic axis at its default probe size. */
    public OnnxPruneSettings(ImportanceMethod method, PruneTarget target, PruneScope scope, int roundTo, Path calib,
            Path tokenizer, int maxCalib, long seed) {
        this(method, target, scope, roundTo, calib, tokenizer, maxCalib, seed, Map.of());
    }

    public OnnxPruneSettings {
        dims = Map.copyOf(dims);
        for (Map.Entry<String, Long> e : dims.entrySet()) {
            if (e.getValue() < 1) {
                throw new UserError("--dim " + e.getKey() + "=" + e.getValue() + ": a size must be at least 1");
            }
        }
        switch (target) {
            case PruneTarget.ParameterRatio r -> {
                if (!(r.ratio() > 0 && r.ratio() < 1)) {
                    throw new UserError("--ratio: must be in (0, 1), got " + r.ratio());
                }
            }
            case PruneTarget.MacsFraction f -> {
                if (!(f.fraction() > 0 && f.fraction() < 1)) {
                    throw new UserError("--target-macs: must be in (0, 1), got " + f.fraction());
                }
            }
        }
        if (roundTo < 1) {
            throw new UserError("--round-to: must be at least 1, got " + roundTo);
        }
        if (maxCalib < 1) {
            throw new UserError("--max-calib: must be at least 1, got " + maxCalib);
        }
        if (groupScore == GroupScore.SUM && method != ImportanceMethod.L1 && method != ImportanceMethod.L2) {
            throw new UserError("--group-score sum: applies to --method l1 or l2 only");
        }
        if (method == ImportanceMethod.ACTIVATION && calib == null) {
            throw new UserError("--method activation needs --calib (calibration inputs)");
        }
    }
}
