package org.prune4j.internal.prune.structural;

/**
 * How to prune structurally.
 *
 * @param importance channel scores
 * @param reduction how members' scores combine
 * @param normalizer how group scores are rescaled before ranking
 * @param scope which channels compete
 * @param target what to reach
 * @param roundTo every pruned group keeps a multiple of this many channels (1 = any)
 * @param maxRatio no group loses more than this fraction of its channels, so no layer disappears
 * @param step fraction of the prunable channels removed per step (progressive pruning)
 */
public record StructuralPruneSettings(Importance importance, GroupReduction reduction, Normalizer normalizer, Scope scope,
        Target target, int roundTo, double maxRatio, double step) {
    public StructuralPruneSettings {
        if (roundTo < 1) {
            throw new org.prune4j.UserError("--round-to " + roundTo + ": must be >= 1");
        }
        if (!(maxRatio > 0 && maxRatio < 1)) {
            throw new org.prune4j.UserError("--max-ratio " + maxRatio + ": must be in (0, 1)");
        }
        if (!(step > 0 && step <= 0.5)) {
            throw new org.prune4j.UserError("--step " + step + ": must be in (0, 0.5]");
        }
    }
}
