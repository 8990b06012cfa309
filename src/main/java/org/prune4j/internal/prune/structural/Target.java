package org.prune4j.internal.prune.structural;

import org.prune4j.UserError;

/**
 * What to keep: a fraction of the dense model's MACs, of its parameters, or of the channels of its
 * prunable groups ({@code --ratio F} keeps {@code 1 - F} of them).
 *
 * @param kind what is measured
 * @param keep the fraction of it to keep, in (0, 1)
 */
public record Target(Kind kind, double keep) {
    /** The measured quantity. */
    public enum Kind { MACS, PARAMS, CHANNELS }

    public Target {
        if (!(keep > 0 && keep < 1)) {
            throw new UserError(switch (kind) {
                case MACS -> "--target-macs " + keep + ": must be in (0, 1), the fraction of MACs to keep";
                case PARAMS -> "--target-params " + keep + ": must be in (0, 1), the fraction of parameters to keep";
                case CHANNELS -> "--ratio " + (1 - keep) + ": must be in (0, 1), the fraction of channels to remove";
            });
        }
    }
}
